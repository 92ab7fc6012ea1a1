//! `pacto login <registry> -u <user> [-p <pw> | --password-stdin]`: verified against the
//! registry first (unlike the reference), then stored where Docker keeps credentials.

use std::io::{BufRead, IsTerminal, Read, Write};

use pacto_oci::login::{Stored, docker_config_path, store, verify};
use pacto_oci::{ClientOptions, block_on};

pub struct Args<'a> {
    pub registry: &'a str,
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub password_stdin: bool,
}

pub fn run(args: Args<'_>) -> Result<(), String> {
    let username = args.username.filter(|it| !it.is_empty()).ok_or("--username is required")?;
    let password = match (args.password.filter(|it| !it.is_empty()), args.password_stdin) {
        (Some(_), true) => return Err("--password and --password-stdin are mutually exclusive".to_owned()),
        (Some(password), false) => password.to_owned(),
        (None, true) => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|err| format!("failed to read password: {err}"))?;
            text.trim_end_matches(['\n', '\r']).to_owned()
        }
        (None, false) => prompt_password()?,
    };
    if password.is_empty() {
        return Err("the password is empty".to_owned());
    }
    let options = ClientOptions::from_env().map_err(|err| err.to_string())?;
    block_on(verify(args.registry, username, &password, &options)).map_err(|err| err.to_string())?;
    let config = docker_config_path(|name| std::env::var_os(name))
        .ok_or("cannot find Docker's config: set HOME or DOCKER_CONFIG")?;
    let stored = store(&config, args.registry, username, &password).map_err(|err| err.to_string())?;
    crate::log::debug(
        "stored credentials",
        &[(
            "where",
            &match &stored {
                Stored::Helper(helper) => format!("docker-credential-{helper}"),
                Stored::ConfigFile(path) => path.display().to_string(),
            },
        )],
    );
    println!("Login succeeded for {}", args.registry);
    Ok(())
}

/// `Password: ` on the terminal, read without echo.
fn prompt_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err("failed to read password: stdin is not a terminal (use --password-stdin)".to_owned());
    }
    print!("Password: ");
    let _ = std::io::stdout().flush();
    let echo = EchoOff::new();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    drop(echo);
    println!();
    read.map_err(|err| format!("failed to read password: {err}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Turns terminal echo off for its lifetime.
struct EchoOff {
    saved: Option<libc::termios>,
}

impl EchoOff {
    fn new() -> EchoOff {
        // SAFETY: termios calls on fd 0 with a zeroed struct the kernel fills; checked results.
        unsafe {
            let mut term: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut term) != 0 {
                return EchoOff { saved: None };
            }
            let saved = term;
            term.c_lflag &= !libc::ECHO;
            libc::tcsetattr(0, libc::TCSANOW, &term);
            EchoOff { saved: Some(saved) }
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if let Some(saved) = self.saved {
            // SAFETY: restores the attributes read in `new`.
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, &saved);
            }
        }
    }
}
