//! Lays out the functions an editing session runs side by side in the release executable (the linker's symbol
//! ordering, `symbol-order.txt`, written by `bench/symbol_order.py`). The kernel maps code in 64 KiB runs around each
//! page first touched, so code scattered over the 17 MB of `.text` made the language server hold most of it resident;
//! side by side it is a few megabytes (issue #15, peak RSS). A name the file lists that no longer exists is skipped,
//! so a stale file costs memory, never correctness.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=symbol-order.txt");
    println!("cargo:rerun-if-env-changed=PACTO_SYMBOL_ORDER");
    for var in ["CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER", "CARGO_ENCODED_RUSTFLAGS"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    if ordering_applies() {
        let file = format!("{}/symbol-order.txt", env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
        println!("cargo:rustc-link-arg-bin=pacto=-Wl,--symbol-ordering-file={file}");
        println!("cargo:rustc-link-arg-bin=pacto=-Wl,--no-warn-symbol-ordering");
        // Relative relocations packed: 0.7 MB of `.rela.dyn`, read at every start, was resident. The executable then
        // needs glibc 2.36 (DT_RELR), so only where it is built on one.
        if glibc_at_least(2, 36) {
            println!("cargo:rustc-link-arg-bin=pacto=-Wl,-z,pack-relative-relocs");
        }
    }
}

/// Only where the linker is known to take the option: rustc's own lld, the default linker of x86_64 Linux since
/// Rust 1.90. A linker chosen by hand (GNU ld has no such option) or `PACTO_SYMBOL_ORDER=0` turns it off.
fn ordering_applies() -> bool {
    let var = |name: &str| env::var(name).unwrap_or_default();
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    var("TARGET") == "x86_64-unknown-linux-gnu"
        && var("HOST") == var("TARGET")
        && var("PROFILE") == "release"
        && rustc_at_least(1, 90)
        && var("PACTO_SYMBOL_ORDER") != "0"
        && env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_none()
        && !["fuse-ld", "linker", "link-self-contained"].iter().any(|word| flags.contains(word))
}

fn rustc_at_least(major: u32, minor: u32) -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(out) = std::process::Command::new(rustc).arg("--version").output() else { return false };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let text = String::from_utf8_lossy(&out.stdout);
    version_at_least(text.split_whitespace().nth(1).unwrap_or_default(), major, minor)
}

fn version_at_least(version: &str, major: u32, minor: u32) -> bool {
    let mut parts = version.split(['.', '-']).map(|part| part.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (major, minor)
}

/// The build machine's glibc, which is the target's (`HOST` = `TARGET` above).
fn glibc_at_least(major: u32, minor: u32) -> bool {
    unsafe extern "C" {
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: glibc returns a static NUL-terminated string such as "2.36".
    let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    version_at_least(version.to_str().unwrap_or_default(), major, minor)
}
