//! Test-only: a redb storage backend over a real file whose writes and syncs can be made to fail,
//! so that tests drive the commit-failure paths (roll back, error answers, no events, recovery)
//! with the errors redb really returns, not with a stand-in.
//!
//! A test registers a user with [`fail_writes_of`]; that user's store then opens on a
//! [`FaultyFile`] whose switch the test flips.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use redb::StorageBackend;

/// Users whose stores open on a [`FaultyFile`], with their switches. Keyed by user so that tests
/// running at once in one process do not disturb each other.
static SWITCHES: Mutex<Vec<(String, Arc<AtomicBool>)>> = Mutex::new(Vec::new());

/// Makes `user_id`'s store open on a faulty file; while the returned switch is on, its writes
/// and syncs fail.
pub(crate) fn fail_writes_of(user_id: &str) -> Arc<AtomicBool> {
    let switch = Arc::new(AtomicBool::new(false));
    SWITCHES.lock().unwrap().push((user_id.to_owned(), switch.clone()));
    switch
}

/// The faulty backend for `user_id`'s store at `path`, if a test asked for one.
pub(super) fn backend_for(user_id: &str, path: &Path) -> std::io::Result<Option<FaultyFile>> {
    let switch = SWITCHES.lock().unwrap().iter().find(|(user, _)| user == user_id).map(|(_, s)| s.clone());
    let Some(failing) = switch else { return Ok(None) };
    let file = File::options().read(true).write(true).create(true).truncate(false).open(path)?;
    Ok(Some(FaultyFile { file, failing }))
}

/// A file that refuses writes and syncs while its switch is on.
#[derive(Debug)]
pub(super) struct FaultyFile {
    file: File,
    failing: Arc<AtomicBool>,
}

impl FaultyFile {
    fn check(&self) -> std::io::Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            // ENOSPC: the disk is full.
            return Err(std::io::Error::from_raw_os_error(28));
        }
        Ok(())
    }
}

impl StorageBackend for FaultyFile {
    fn len(&self) -> Result<u64, std::io::Error> {
        Ok(self.file.metadata()?.len())
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), std::io::Error> {
        self.file.read_exact_at(out, offset)
    }

    fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
        self.check()?;
        self.file.set_len(len)
    }

    fn sync_data(&self) -> Result<(), std::io::Error> {
        self.check()?;
        self.file.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
        self.check()?;
        self.file.write_all_at(data, offset)
    }
}
