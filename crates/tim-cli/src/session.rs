//! Opening the store for one command: start the SDK, log the user in, shut down at the end.

use std::path::Path;

use tim_core::{Client, Sdk, SdkConfig, block_on};
use tim_types::ErrCode;

/// A running SDK with a user logged in; shuts down (closing the store) when dropped.
pub struct Session {
    sdk: Option<Sdk>,
    client: Client,
}

impl Session {
    /// Starts the SDK on `data_dir` and logs `user` in.
    pub fn open(data_dir: &Path, user: &str) -> Result<Self, String> {
        let sdk = Sdk::start(SdkConfig::new(data_dir)).map_err(|e| format!("cannot start: {e}"))?;
        let client = sdk.client();
        block_on(client.login(user, "")).map_err(|e| {
            // Damage; not a file in use, another user's or a newer build's (a salvage refuses those),
            // nor one the system would not let us open (no permission, a folder in its place, a
            // read-only file system: "(os error N)"), which a salvage cannot fix either.
            let why = e.to_string();
            let damaged = e.code() == ErrCode::DatabaseOperateFailed.value()
                && (["corrupt record", "failed on its file"].iter().any(|d| why.contains(d))
                    || (why.contains("cannot open") && !why.contains("(os error")));
            let hint = if damaged {
                "\n(if the file is damaged, `tim salvage` makes a new store of what still reads)"
            } else {
                ""
            };
            format!("cannot open the store of {user:?}: {e}{hint}")
        })?;
        Ok(Session { sdk: Some(sdk), client })
    }

    /// The API.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(sdk) = self.sdk.take() {
            sdk.shutdown();
        }
    }
}
