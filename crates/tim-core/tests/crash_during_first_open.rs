//! A crash while a user's store file is being created (that user's first login) must not leave
//! a file that no later login can open.
//!
//! redb sets up a new file in two flushes: the header without its magic number, then the magic
//! number; it refuses for good a non-empty file without it. The store used to be created in
//! place, so a process killed between the two left a user who could never log in again (6019),
//! nor be checked by the CLI's doctor. It is now created under a name of its own and linked into
//! place once whole (`store/redb_store.rs`, `create_whole_if_missing`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tim_core::store::{Store, user_store_path};
use tim_core::{Sdk, SdkConfig, block_on};

/// A file whose process "dies" at its first sync: the writes before it stay (as the page cache
/// keeps them after SIGKILL), nothing after it happens.
#[derive(Debug)]
struct DiesAtFirstSync {
    file: std::fs::File,
    dead: Arc<AtomicBool>,
}

impl redb::StorageBackend for DiesAtFirstSync {
    fn len(&self) -> Result<u64, std::io::Error> {
        Ok(self.file.metadata()?.len())
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), std::io::Error> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, out, offset)
    }

    fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
        self.alive()?;
        self.file.set_len(len)
    }

    fn sync_data(&self) -> Result<(), std::io::Error> {
        self.alive()?;
        self.dead.store(true, Ordering::SeqCst);
        Err(std::io::Error::other("killed"))
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
        self.alive()?;
        std::os::unix::fs::FileExt::write_all_at(&self.file, data, offset)
    }
}

impl DiesAtFirstSync {
    fn alive(&self) -> Result<(), std::io::Error> {
        if self.dead.load(Ordering::SeqCst) { Err(std::io::Error::other("killed")) } else { Ok(()) }
    }
}

/// Leaves, at `path`, what a process killed during redb's creation of a file leaves.
fn cut_short_creation(path: &std::path::Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file =
        std::fs::File::options().read(true).write(true).create(true).truncate(false).open(path).unwrap();
    let backend = DiesAtFirstSync { file, dead: Arc::new(AtomicBool::new(false)) };
    assert!(redb::Database::builder().create_with_backend(backend).is_err(), "the creation was cut short");
    assert!(std::fs::metadata(path).unwrap().len() > 0, "the file exists and is not empty");
    assert!(redb::Database::create(path).is_err(), "redb refuses such a file");
}

/// A file of its own left cut short by an earlier crash (under any process's name: here
/// process 1's, whose number this test cannot hold) is not in the way of a later creation.
#[test]
fn a_creation_cut_short_under_its_own_name_does_not_stop_a_login() {
    let dir = tempfile::tempdir().unwrap();
    let path = user_store_path(dir.path(), "alice");
    let mut creating = path.file_name().unwrap().to_owned();
    creating.push(".creating-1-0");
    cut_short_creation(&path.with_file_name(creating));
    // Nothing was ever acknowledged: the store opens, empty, and takes a login.
    assert!(!path.exists());
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    let login = block_on(client.login("alice", ""));
    let listed = block_on(client.conversation_list()).map(|list| list.len());
    sdk.shutdown();
    assert!(login.is_ok(), "alice logs in: {login:?}");
    assert_eq!(listed.ok(), Some(0));
    assert!(path.exists());
    assert_eq!(creations_left_beside(&path), 0, "the dead creation's file was removed");
}

/// How many `<file>.creating-*` files are beside the store file at `path`.
fn creations_left_beside(path: &std::path::Path) -> usize {
    let prefix = format!("{}.creating-", path.file_name().unwrap().to_str().unwrap());
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_str().unwrap().starts_with(&prefix))
        .count()
}

/// With a real SIGKILL: a child process (this test binary, run again) opens a new store and is
/// killed 0–30 ms after it says it starts, over and over; every store it leaves must open.
#[test]
fn sigkill_during_the_first_open_leaves_a_store_that_opens() {
    kill_during_first_opens("sigkill_during_the_first_open_leaves_a_store_that_opens", false);
}

/// The same with an empty file already in the store's place (a failed copy, an older build's
/// crash): it is set up whole too, not in place.
#[test]
fn sigkill_while_an_empty_store_file_is_set_up_leaves_a_store_that_opens() {
    kill_during_first_opens("sigkill_while_an_empty_store_file_is_set_up_leaves_a_store_that_opens", true);
}

fn kill_during_first_opens(test: &str, empty_file_first: bool) {
    if let Ok(dir) = std::env::var("TIM_CRASH_CHILD_DIR") {
        println!("GO");
        let _ = Store::open(std::path::Path::new(&dir), "alice");
        println!("OPENED");
        std::thread::sleep(Duration::from_secs(30));
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let mut left_a_file = 0;
    for attempt in 0..150u64 {
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
        let dir = tempfile::tempdir().unwrap();
        if empty_file_first {
            let path = user_store_path(dir.path(), "alice");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::File::create(&path).unwrap();
        }
        let mut child = Command::new(&exe)
            .args(["--exact", test, "--nocapture"])
            .env("TIM_CRASH_CHILD_DIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while let Some(Ok(line)) = lines.next() {
            if line.contains("GO") {
                break;
            }
        }
        // Half the kills within the first 4 ms (redb's two flushes of a new file), half spread
        // over 30 ms, so that some come after the setup however slow the machine is right now.
        let delay = if attempt % 2 == 0 { (attempt * 37) % 4_000 } else { (attempt * 7_919) % 30_000 };
        std::thread::sleep(Duration::from_micros(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        if std::fs::metadata(user_store_path(dir.path(), "alice")).is_ok_and(|m| m.len() > 0) {
            left_a_file += 1;
        }
        if let Err(error) = Store::open(dir.path(), "alice") {
            panic!(
                "attempt {attempt}: a kill during the first open left a store that never opens again: {error}"
            );
        }
        let path = user_store_path(dir.path(), "alice");
        assert_eq!(creations_left_beside(&path), 0, "attempt {attempt}: a dead creation's file was left");
    }
    assert!(left_a_file > 0, "no kill came after the creation: the test tried nothing");
}

/// Eight SDKs in one process log the same new user in at once, each until it gets the store, and
/// store a message: the store one set up and wrote is never replaced by another's, so every
/// acknowledged message is there at the end.
#[test]
fn simultaneous_first_logins_replace_no_store() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        if round % 2 == 1 {
            // An empty file in place, set up under its lock.
            let path = user_store_path(dir.path(), "alice");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::File::create(&path).unwrap();
        }
        let barrier = std::sync::Barrier::new(8);
        std::thread::scope(|scope| {
            for n in 0..8 {
                let (dir, barrier) = (dir.path(), &barrier);
                scope.spawn(move || {
                    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
                    let client = sdk.client();
                    barrier.wait();
                    while block_on(client.login("alice", "")).is_err() {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    let mut msg = tim_types::Message::from_elems(vec![tim_types::Elem::text("hi")]);
                    msg.message_sender = Some(format!("peer{n}"));
                    msg.message_conv_type = Some(tim_types::ConvType::C2C);
                    block_on(client.deliver(vec![msg])).unwrap();
                    sdk.shutdown();
                });
            }
        });
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("alice", "")).unwrap();
        let listed = block_on(client.conversation_list()).unwrap().len();
        sdk.shutdown();
        assert_eq!(listed, 8, "round {round}: every acknowledged message's conversation is there");
    }
}
