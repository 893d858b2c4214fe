//! Test-only: a redb storage backend over a real file whose writes and syncs can be made to fail,
//! so that tests drive the commit-failure paths (roll back, error answers, no events, recovery)
//! with the errors redb really returns, not with a stand-in.
//!
//! A test registers a user with [`faults_of`]; that user's store then opens on a [`FaultyFile`]
//! whose [`Faults`] the test sets. A sync can also be held (not failed), which keeps a commit in
//! flight for as long as a test needs to queue the writes of the next batch.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use redb::StorageBackend;

/// What a [`FaultyFile`] refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Fault {
    /// Nothing: a working disk.
    None = 0,
    /// Writes and syncs: a full disk.
    Full = 1,
    /// Syncs only: the data reaches the page cache, its durability is unknown (a failed fsync).
    Syncs = 2,
    /// Nothing, but a sync waits until the fault changes: a commit held in flight, so that a
    /// test decides which writes meet in the next batch.
    HoldSyncs = 3,
    /// The next sync only, like [`Fault::Syncs`]; then a working disk (a transient EIO).
    NextSync = 4,
    /// Writes panic, as redb's own assertions do on some damage it finds: the store's work must
    /// contain the panic (`store::contained`), however deep in redb it comes.
    PanicOnWrite = 5,
}

/// The fault a store's file shows now; a test changes it at any time.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    /// The [`Fault`] now.
    fault: AtomicU8,
    /// How many syncs have been held so far.
    held: AtomicUsize,
    /// 0: off; n: n − 1 more syncs succeed, then one fails.
    countdown: AtomicUsize,
    /// 0: off; n: the file cannot grow past n bytes (ENOSPC), whatever else is set: a disk with
    /// no free blocks, on which writes within the file still work.
    length_cap: AtomicU64,
    /// 0: off; n: a thin disk out of space past n bytes: writes that reach past it are taken
    /// (into this file's cache, `FaultyFile::unwritten`) and lost at the next sync, which fails
    /// (EIO), while writes within it reach the file: what a failed writeback leaves.
    thin_past: AtomicU64,
}

impl Faults {
    pub fn set(&self, fault: Fault) {
        self.fault.store(fault as u8, Ordering::SeqCst);
    }

    /// Caps the file's length at `length` (see `length_cap`); `None` lifts the cap.
    pub fn cap_length_at(&self, length: Option<u64>) {
        self.length_cap.store(length.unwrap_or(0), Ordering::SeqCst);
    }

    /// Makes writes past `length` lost at the sync (see `thin_past`); `None` lifts it.
    pub fn lose_writes_past(&self, length: Option<u64>) {
        self.thin_past.store(length.unwrap_or(0), Ordering::SeqCst);
    }

    fn lost_on_a_thin_disk(&self, end: u64) -> bool {
        let past = self.thin_past.load(Ordering::SeqCst);
        past != 0 && end > past
    }

    fn grows_past_cap(&self, end: u64) -> bool {
        let cap = self.length_cap.load(Ordering::SeqCst);
        cap != 0 && end > cap
    }

    fn refuses_writes(&self) -> bool {
        self.fault.load(Ordering::SeqCst) == Fault::Full as u8
    }

    fn refuses_syncs(&self) -> bool {
        let fault = self.fault.load(Ordering::SeqCst);
        fault == Fault::Full as u8 || fault == Fault::Syncs as u8
    }

    fn holds_syncs(&self) -> bool {
        self.fault.load(Ordering::SeqCst) == Fault::HoldSyncs as u8
    }

    /// Lets `n` more syncs succeed, then fails one (EIO); whatever else is set still applies.
    pub fn fail_sync_after(&self, n: usize) {
        self.countdown.store(n + 1, Ordering::SeqCst);
    }

    /// Waits until a sync is being held (a commit is in flight).
    pub fn wait_for_held_sync(&self) {
        while self.held.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// Users whose stores open on a [`FaultyFile`], with their faults. Keyed by user so that tests
/// running at once in one process do not disturb each other.
static FAULTS: Mutex<Vec<(String, Arc<Faults>)>> = Mutex::new(Vec::new());

/// Makes `user_id`'s store open on a faulty file that shows the returned faults.
pub(crate) fn faults_of(user_id: &str) -> Arc<Faults> {
    let faults = Arc::new(Faults::default());
    FAULTS.lock().unwrap().push((user_id.to_owned(), faults.clone()));
    faults
}

/// The faulty backend for `user_id`'s store at `path`, if a test asked for one.
pub(super) fn backend_for(user_id: &str, path: &Path) -> std::io::Result<Option<FaultyFile>> {
    let found = FAULTS.lock().unwrap().iter().find(|(user, _)| user == user_id).map(|(_, f)| f.clone());
    let Some(faults) = found else { return Ok(None) };
    let file = File::options().read(true).write(true).create(true).truncate(false).open(path)?;
    Ok(Some(FaultyFile { file, faults, unwritten: Mutex::new(Vec::new()) }))
}

/// A file that refuses what its [`Faults`] say.
#[derive(Debug)]
pub(super) struct FaultyFile {
    file: File,
    faults: Arc<Faults>,
    /// Writes a thin disk took but will not keep (`Faults::lose_writes_past`): read back by
    /// this handle, as the page cache serves them, until the next sync drops them. A new handle
    /// (a reopen) reads what the file has: the cache dropped, as the store does.
    unwritten: Mutex<Vec<(u64, Vec<u8>)>>,
}

impl FaultyFile {
    fn check(&self, refused: bool) -> std::io::Result<()> {
        if refused {
            // ENOSPC for a full disk; EIO for a failed writeback.
            let errno = if self.faults.refuses_writes() { 28 } else { 5 };
            return Err(std::io::Error::from_raw_os_error(errno));
        }
        Ok(())
    }

    /// ENOSPC for a file that would grow past its cap.
    fn check_length(&self, end: u64) -> std::io::Result<()> {
        if self.faults.grows_past_cap(end) {
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
        self.file.read_exact_at(out, offset)?;
        let end = offset + out.len() as u64;
        for (at, data) in self.unwritten.lock().unwrap().iter() {
            let (from, to) = (offset.max(*at), end.min(at + data.len() as u64));
            if from < to {
                out[(from - offset) as usize..(to - offset) as usize]
                    .copy_from_slice(&data[(from - at) as usize..(to - at) as usize]);
            }
        }
        Ok(())
    }

    fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
        self.check(self.faults.refuses_writes())?;
        self.check_length(len)?;
        self.file.set_len(len)
    }

    fn sync_data(&self) -> Result<(), std::io::Error> {
        if self.faults.holds_syncs() {
            self.faults.held.fetch_add(1, Ordering::SeqCst);
        }
        while self.faults.holds_syncs() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let countdown =
            self.faults.countdown.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if countdown == Ok(1) {
            return Err(std::io::Error::from_raw_os_error(5));
        }
        let once = self.faults.fault.compare_exchange(
            Fault::NextSync as u8,
            Fault::None as u8,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
        if once.is_ok() {
            return Err(std::io::Error::from_raw_os_error(5));
        }
        self.check(self.faults.refuses_syncs())?;
        let lost = std::mem::take(&mut *self.unwritten.lock().unwrap());
        if !lost.is_empty() {
            return Err(std::io::Error::from_raw_os_error(5));
        }
        self.file.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
        if self.faults.fault.load(Ordering::SeqCst) == Fault::PanicOnWrite as u8 {
            panic!("a write of the faulty file panicked (a test's fault)");
        }
        self.check(self.faults.refuses_writes())?;
        self.check_length(offset + data.len() as u64)?;
        if self.faults.lost_on_a_thin_disk(offset + data.len() as u64) {
            self.unwritten.lock().unwrap().push((offset, data.to_vec()));
            return Ok(());
        }
        self.file.write_all_at(data, offset)
    }
}
