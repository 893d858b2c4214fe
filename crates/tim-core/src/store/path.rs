//! Where a user's store file lives: one file per user under the configured folder.
//!
//! A user ID is chosen by the app and may hold anything (`../x`, `/`, NUL, hundreds of bytes,
//! any script), so it never becomes a path by itself. The file name is a short, sanitized prefix
//! of the ID, for people looking at the folder, followed by a SHA-256 of the whole ID, which keeps
//! distinct users apart. The store also records the full ID and refuses a file of another user.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The folder under the data directory that holds the user stores.
pub const USERS_DIR: &str = "users";

const READABLE_PREFIX_CHARS: usize = 32;

/// The store file of `user_id` under `data_dir`.
pub fn user_store_path(data_dir: &Path, user_id: &str) -> PathBuf {
    data_dir.join(USERS_DIR).join(user_store_file_name(user_id))
}

/// The file name of `user_id`'s store: `<sanitized prefix>-<sha256 hex>.redb`.
pub fn user_store_file_name(user_id: &str) -> String {
    let readable: String = user_id
        .chars()
        .take(READABLE_PREFIX_CHARS)
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let digest = Sha256::digest(user_id.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{readable}-{hex}.redb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_stay_inside_the_folder() {
        let dir = Path::new("/data");
        let long = "x".repeat(500);
        for id in ["../x", "/", "a/../../b", "\0", "..", ".", long.as_str(), "名前 🙂", "C:\\x", "~"] {
            let path = user_store_path(dir, id);
            assert_eq!(path.parent().unwrap(), dir.join(USERS_DIR), "{id:?}");
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(name.len() < 120, "{id:?}: {name}");
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "{name}");
            assert!(!name.starts_with('.'));
        }
    }

    #[test]
    fn distinct_ids_get_distinct_files() {
        assert_ne!(user_store_file_name("a/b"), user_store_file_name("a_b"));
        assert_ne!(user_store_file_name("A"), user_store_file_name("a"));
        assert_eq!(user_store_file_name("alice"), user_store_file_name("alice"));
    }
}
