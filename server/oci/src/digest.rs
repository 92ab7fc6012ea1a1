//! SHA-256 content digests in the OCI form `sha256:<hex>`: the only algorithm pacto writes or accepts.

use std::fmt;

use sha2::{Digest as _, Sha256};

use crate::error::Error;

const PREFIX: &str = "sha256:";
const HEX_LEN: usize = 64;

/// A validated `sha256:<64 lowercase hex>` digest; safe to use as a file name.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    hex: String,
}

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest::from_hash(Sha256::digest(bytes).as_slice())
    }

    /// Parses `sha256:<hex>`. Other algorithms are refused: OCI allows sha512, but neither the reference
    /// nor any registry pacto targets writes it, and every cache path is built from a parsed digest.
    pub fn parse(text: &str) -> Result<Digest, Error> {
        let hex = text.strip_prefix(PREFIX).filter(|hex| {
            hex.len() == HEX_LEN && hex.bytes().all(|it| it.is_ascii_digit() || (b'a'..=b'f').contains(&it))
        });
        match hex {
            Some(hex) => Ok(Digest { hex: hex.to_owned() }),
            None => Err(Error::InvalidDigest { digest: text.to_owned() }),
        }
    }

    /// The 64 hex digits, without the algorithm.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    pub(crate) fn from_hash(hash: &[u8]) -> Digest {
        let mut hex = String::with_capacity(HEX_LEN);
        for byte in hash {
            hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
            hex.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
        }
        Digest { hex }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", self.hex)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", self.hex)
    }
}

#[cfg(test)]
mod tests {
    use super::Digest;

    #[test]
    fn digest_of_empty_input_is_the_known_value() {
        assert_eq!(
            Digest::of(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn parse_round_trips_and_refuses_anything_else() {
        let text = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(Digest::parse(text).unwrap().to_string(), text);
        for bad in [
            "",
            "sha256:",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
            "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha256:../../../../etc/passwd/e3b0c44298fc1c149afbf4c8996fb92427ae41e4",
        ] {
            assert_eq!(
                Digest::parse(bad).unwrap_err().to_string(),
                format!("invalid digest {bad:?}: expected sha256:<64 lowercase hex digits>")
            );
        }
    }
}
