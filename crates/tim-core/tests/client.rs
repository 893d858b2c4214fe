//! End-to-end tests of the Rust API: real threads, real actors, real redb files.

use std::sync::{Arc, Mutex};

use tim_core::{CallError, Client, ConvKey, Error, Sdk, SdkConfig, TimError};
use tim_types::{ConvEvent, ConvInfo, Draft, Elem, ErrCode, LoginStatus, Message};

fn block<F: std::future::Future>(f: F) -> F::Output {
    tim_core::block_on(f)
}

fn start(dir: &std::path::Path) -> Sdk {
    Sdk::start(SdkConfig::new(dir)).unwrap()
}

fn login(client: &Client, user: &str) {
    block(client.login(user, "sig")).unwrap();
}

fn draft(text: &str) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(text)]),
        draft_user_define: "ud".into(),
        draft_edit_time: 1_700_000_000,
    }
}

fn ids(list: &[ConvInfo]) -> Vec<String> {
    list.iter().map(|c| c.conv_id.clone()).collect()
}

#[test]
fn calls_before_login_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    assert_eq!(client.login_status(), LoginStatus::UnLogined);
    let err = block(client.conversation_list()).unwrap_err();
    assert_eq!(err, Error::Rejected(CallError::NotLogin));
    assert_eq!(client.set_draft_blocking(ConvKey::c2c("x").unwrap(), draft("d")), Err(CallError::NotLogin));
    assert_eq!(block(client.logout()).unwrap_err(), Error::Rejected(CallError::NotLogin));
}

#[test]
fn a_login_refused_after_shutdown_changes_no_status() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    drop(sdk);
    assert_eq!(client.login_with("alice", "sig", |_| {}), Err(CallError::SdkUninit));
    assert_eq!(client.login_status(), LoginStatus::UnLogined, "after login_with");
    assert_eq!(block(client.login("alice", "sig")).unwrap_err(), Error::Rejected(CallError::SdkUninit));
    assert_eq!(client.login_status(), LoginStatus::UnLogined, "after login");
}

/// A Rust caller can put a key the message names as a field into its `extra`: it would be
/// written twice and no reader takes such a record back (the draft's made every later login
/// fail, the message's every history read of its conversation). Refused, for each way in.
#[test]
fn a_message_whose_extra_repeats_a_field_is_refused_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    let bob = ConvKey::c2c("bob").unwrap();
    let mut repeating = Message::from_elems(vec![Elem::text("x")]);
    repeating.extra.insert("message_elem_array".into(), serde_json::json!([]));
    let mut bad_draft = draft("d");
    bad_draft.draft_msg = repeating.clone();
    let refused = |result: Result<(), CallError>, what: &str| {
        assert!(matches!(result, Err(CallError::Param(_))), "{what}: {result:?}");
    };
    refused(client.set_draft_blocking(bob.clone(), bad_draft.clone()), "set_draft_blocking");
    refused(block(client.set_draft(bob.clone(), bad_draft)).map_err(reject), "set_draft");
    refused(block(client.save_message(bob.clone(), repeating.clone())).map(drop).map_err(reject), "save");
    refused(block(client.send_message(bob.clone(), repeating.clone())).map(drop).map_err(reject), "send");
    refused(
        block(client.import_messages(bob.clone(), vec![repeating.clone()])).map(drop).map_err(reject),
        "import",
    );
    let mut delivered = repeating;
    delivered.message_sender = Some("bob".into());
    delivered.message_conv_type = Some(tim_types::ConvType::C2C);
    refused(block(client.deliver(vec![delivered])).map(drop).map_err(reject), "deliver");
    // An element's `extra` holding `elem_type` cannot be written either (it was stored as `{}`).
    let mut elem = Elem::text("x");
    let Elem::Text(text) = &mut elem else { unreachable!() };
    text.extra.insert("elem_type".into(), serde_json::json!(0));
    let mut elem_draft = draft("d");
    elem_draft.draft_msg = Message::from_elems(vec![elem.clone()]);
    refused(client.set_draft_blocking(bob.clone(), elem_draft), "set_draft_blocking, element");
    let saved = block(client.save_message(bob.clone(), Message::from_elems(vec![elem])));
    refused(saved.map(drop).map_err(reject), "save, element");
    assert!(block(client.conversation_list()).unwrap().is_empty());
    block(client.logout()).unwrap();
    login(&client, "alice");
    assert!(block(client.conversation_list()).unwrap().is_empty());
}

fn reject(error: Error) -> CallError {
    match error {
        Error::Rejected(call) => call,
        Error::Failed(failed) => panic!("accepted, then failed: {failed:?}"),
    }
}

#[test]
fn conversations_drafts_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    assert_eq!(client.login_status(), LoginStatus::Logined);
    assert_eq!(client.login_user_id().as_deref(), Some("alice"));

    let a = block(client.create_conversation(ConvKey::c2c("a").unwrap())).unwrap();
    assert_eq!(a.conv_owner, "alice");
    block(client.create_conversation(ConvKey::group("g").unwrap())).unwrap();
    block(client.create_conversation(ConvKey::c2c("b").unwrap())).unwrap();
    let again = block(client.create_conversation(ConvKey::c2c("a").unwrap())).unwrap();
    assert_eq!(again, a, "creating an existing conversation obtains it unchanged");
    assert_eq!(ids(&block(client.conversation_list()).unwrap()), ["b", "g", "a"]);

    client.set_draft_blocking(ConvKey::c2c("a").unwrap(), draft("hello")).unwrap();
    let list = block(client.conversation_list()).unwrap();
    assert_eq!(ids(&list), ["a", "b", "g"]);
    assert!(list[0].conv_is_has_draft);
    assert_eq!(list[0].conv_draft, Some(draft("hello")));

    client.cancel_draft_blocking(ConvKey::c2c("a").unwrap()).unwrap();
    assert_eq!(client.cancel_draft_blocking(ConvKey::c2c("zz").unwrap()), Err(CallError::Conv));
    block(client.delete_conversation(ConvKey::group("g").unwrap())).unwrap();
    let missing = block(client.delete_conversation(ConvKey::group("g").unwrap())).unwrap_err();
    assert_eq!(missing.code(), ErrCode::InvalidConversation.value());
    let list = block(client.conversation_list()).unwrap();
    assert_eq!(ids(&list), ["a", "b"]);
    assert!(!list[0].conv_is_has_draft);
}

#[test]
fn everything_acknowledged_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let before = {
        let sdk = start(dir.path());
        let client = sdk.client();
        login(&client, "alice");
        for i in 0..20 {
            block(client.create_conversation(ConvKey::c2c(format!("u{i}")).unwrap())).unwrap();
        }
        client.set_draft_blocking(ConvKey::group("g").unwrap(), draft(&"长".repeat(50_000))).unwrap();
        block(client.delete_conversation(ConvKey::c2c("u3").unwrap())).unwrap();
        let list = block(client.conversation_list()).unwrap();
        sdk.shutdown();
        list
    };
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    assert_eq!(block(client.conversation_list()).unwrap(), before);
    block(client.create_conversation(ConvKey::c2c("new").unwrap())).unwrap();
    assert_eq!(block(client.conversation_list()).unwrap()[0].conv_id, "new", "order keys keep growing");
}

#[test]
fn users_are_isolated_and_logout_switches_stores() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    block(client.create_conversation(ConvKey::c2c("secret").unwrap())).unwrap();
    let other = block(client.login("bob", "s")).unwrap_err();
    assert_eq!(other.code(), ErrCode::SdkInvalidOperation.value());
    block(client.logout()).unwrap();
    assert_eq!(client.login_status(), LoginStatus::UnLogined);
    login(&client, "bob");
    assert!(block(client.conversation_list()).unwrap().is_empty());
    block(client.logout()).unwrap();
    login(&client, "alice");
    assert_eq!(ids(&block(client.conversation_list()).unwrap()), ["secret"]);
}

#[test]
fn hostile_user_ids_stay_inside_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sdk = start(&data);
    let client = sdk.client();
    let long = "y".repeat(500);
    // Refused, as every ID with a NUL is: C could never name that user.
    let nul = block(client.login("a\0b", "sig")).unwrap_err();
    assert!(matches!(nul, tim_core::Error::Rejected(tim_core::CallError::Param(_))), "{nul:?}");
    for user in ["../x", "/", "a\u{1}b", long.as_str(), "ユーザー", "..", "\\..\\x"] {
        login(&client, user);
        block(client.create_conversation(ConvKey::c2c("c").unwrap())).unwrap();
        block(client.logout()).unwrap();
    }
    drop(sdk);
    let outside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(outside, ["data"]);
    let users = std::fs::read_dir(data.join(tim_core::store::USERS_DIR)).unwrap().count();
    assert_eq!(users, 7);
}

#[test]
fn callbacks_run_in_call_order_on_the_callback_thread() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let caller = std::thread::current().id();
    for i in 0..300 {
        let seen = seen.clone();
        let key = ConvKey::c2c(format!("c{}", i % 17)).unwrap();
        let record = move |_: bool| {
            assert!(tim_core::dispatch::on_callback_thread());
            assert_ne!(std::thread::current().id(), caller);
            seen.lock().unwrap().push(i);
        };
        match i % 3 {
            0 => client.create_conversation_with(key, move |r| record(r.is_ok())).unwrap(),
            1 => client.conversation_list_with(move |r| record(r.is_ok())).unwrap(),
            _ => client.delete_conversation_with(key, move |r| record(r.is_ok())).unwrap(),
        }
    }
    sdk.shutdown();
    assert_eq!(*seen.lock().unwrap(), (0..300).collect::<Vec<_>>());
}

#[test]
fn shutdown_answers_every_pending_call_once() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    let answers = Arc::new(Mutex::new(Vec::<Result<(), TimError>>::new()));
    for i in 0..500 {
        let answers = answers.clone();
        client
            .create_conversation_with(ConvKey::c2c(format!("p{i}")).unwrap(), move |r| {
                answers.lock().unwrap().push(r.map(|_| ()))
            })
            .unwrap();
    }
    sdk.shutdown();
    let answers = answers.lock().unwrap();
    assert_eq!(answers.len(), 500);
    let succeeded = answers.iter().filter(|r| r.is_ok()).count();
    for failed in answers.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(failed.code, ErrCode::SdkNotInitialized.value());
    }
    // What succeeded is durable; what failed is not stored.
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    assert_eq!(block(client.conversation_list()).unwrap().len(), succeeded);
    assert_eq!(client.create_conversation_with(ConvKey::c2c("x").unwrap(), |_| {}), Ok(()));
    let stale = client.clone();
    sdk.shutdown();
    assert_eq!(stale.conversation_list_with(|_| panic!("must not run")), Err(CallError::SdkUninit));
}

#[test]
fn events_are_batched_and_silent_when_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    let events = Arc::new(Mutex::new(Vec::<(ConvEvent, Vec<String>)>::new()));
    let sink = events.clone();
    client.set_conv_event_handler(Some(Arc::new(move |event, infos: &[ConvInfo]| {
        sink.lock().unwrap().push((event, ids(infos)));
    })));
    login(&client, "alice");
    block(client.create_conversation(ConvKey::c2c("a").unwrap())).unwrap();
    block(client.create_conversation(ConvKey::c2c("a").unwrap())).unwrap();
    client.set_draft_blocking(ConvKey::c2c("a").unwrap(), draft("x")).unwrap();
    client.cancel_draft_blocking(ConvKey::c2c("a").unwrap()).unwrap();
    client.set_draft_blocking(ConvKey::c2c("b").unwrap(), draft("x")).unwrap();
    block(client.delete_conversation(ConvKey::c2c("a").unwrap())).unwrap();
    block(client.conversation_list()).unwrap();
    sdk.shutdown();
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        *events.lock().unwrap(),
        vec![
            (ConvEvent::Start, vec![]),
            (ConvEvent::Finish, vec![]),
            (ConvEvent::Add, s(&["a"])),
            (ConvEvent::Update, s(&["a"])),
            (ConvEvent::Update, s(&["a"])),
            (ConvEvent::Add, s(&["b"])),
            (ConvEvent::Del, s(&["a"])),
        ]
    );
}

#[test]
fn concurrent_drafts_share_commits() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "alice");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let client = client.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    client
                        .set_draft_blocking(ConvKey::c2c(format!("t{t}")).unwrap(), draft(&i.to_string()))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let list = block(client.conversation_list()).unwrap();
    assert_eq!(list.len(), 8);
    for conv in &list {
        assert_eq!(conv.conv_draft, Some(draft("24")));
    }
}

/// Group commit gathers the blocked writers of the last commit before committing again: with
/// eight threads blocking on their drafts, an async writer and readers beside them, every call is
/// answered, every write lands, and the stored state after a restart is the last write of each.
#[test]
fn gathered_commits_lose_and_stall_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rounds = 40;
    {
        let sdk = start(dir.path());
        let client = sdk.client();
        login(&client, "me");
        std::thread::scope(|s| {
            for t in 0..8 {
                let client = client.clone();
                s.spawn(move || {
                    for i in 0..rounds {
                        let key = ConvKey::c2c(format!("t{t}")).unwrap();
                        client.set_draft_blocking(key, draft(&format!("t{t}-{i}"))).unwrap();
                    }
                });
            }
            let client = client.clone();
            s.spawn(move || {
                for i in 0..rounds {
                    block(client.set_draft(ConvKey::c2c("async").unwrap(), draft(&format!("a-{i}"))))
                        .unwrap();
                    assert!(!block(client.conversation_list()).unwrap().is_empty());
                }
            });
        });
        sdk.shutdown();
    }
    let sdk = start(dir.path());
    let client = sdk.client();
    login(&client, "me");
    let list = block(client.conversation_list()).unwrap();
    let text = |id: &str| {
        let info = list.iter().find(|c| c.conv_id == id).unwrap();
        match &info.conv_draft.as_ref().unwrap().draft_msg.message_elem_array[0] {
            Elem::Text(t) => t.text_elem_content.clone(),
            other => panic!("{other:?}"),
        }
    };
    for t in 0..8 {
        assert_eq!(text(&format!("t{t}")), format!("t{t}-{}", rounds - 1));
    }
    assert_eq!(text("async"), format!("a-{}", rounds - 1));
    sdk.shutdown();
}

/// A call another thread makes as soon as it is accepted, because of a login being accepted on
/// this thread, runs after that login: never with nobody logged in (6014).
#[test]
fn a_call_accepted_because_of_another_threads_login_runs_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut rounds = 0;
    while rounds < 400 && std::time::Instant::now() < deadline {
        rounds += 1;
        let (tx, rx) = flume::unbounded();
        let spinning = std::sync::atomic::AtomicBool::new(false);
        let spinning = &spinning;
        std::thread::scope(|scope| {
            let (caller, call_tx) = (client.clone(), tx.clone());
            scope.spawn(move || {
                spinning.store(true, std::sync::atomic::Ordering::Release);
                loop {
                    let tx = call_tx.clone();
                    let key = ConvKey::c2c("x").unwrap();
                    if caller
                        .create_conversation_with(key, move |r| tx.send(("call", r.map(drop))).unwrap())
                        .is_ok()
                    {
                        break;
                    }
                    std::hint::spin_loop();
                }
            });
            while !spinning.load(std::sync::atomic::Ordering::Acquire) {
                std::hint::spin_loop();
            }
            client.login_with("alice", "", move |r| tx.send(("login", r)).unwrap()).unwrap();
        });
        let answers: Vec<_> = (0..2).map(|_| rx.recv().unwrap()).collect();
        assert_eq!(answers[0].0, "login", "round {rounds}: {answers:?}");
        assert!(answers.iter().all(|(_, r)| r.is_ok()), "round {rounds}: {answers:?}");
        block(client.logout()).unwrap();
    }
    sdk.shutdown();
}

/// A FIFO where the store file should be: the login fails, it does not hang.
#[test]
fn a_login_whose_store_path_is_a_fifo_fails_and_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let path = tim_core::store::user_store_path(dir.path(), "alice");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&path).status().unwrap().success());
    let sdk = start(dir.path());
    let client = sdk.client();
    let (tx, rx) = flume::bounded(1);
    client.login_with("alice", "", move |r| tx.send(r).unwrap()).unwrap();
    let result = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the login answered");
    assert_eq!(result.unwrap_err().code, ErrCode::DatabaseOperateFailed.value());
    sdk.shutdown();
}

/// Two threads log out at once: one is accepted; the other is refused with `NotLogin` and, being
/// refused, never has its `done` run (the C contract: no callback unless TIM_SUCC). It once was
/// answered "uninitialized" (6013) after its caller was told NOTLOGIN: a C app that freed its
/// `user_data` on the refusal then had it used.
#[test]
fn a_refused_logout_never_runs_its_callback() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for round in 0..300 {
        login(&client, "alice");
        let (tx, rx) = flume::unbounded();
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|who| {
                    let (client, tx, barrier) = (client.clone(), tx.clone(), &barrier);
                    scope.spawn(move || {
                        barrier.wait();
                        client.logout_with(move |r| tx.send((who, r)).unwrap())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "round {round}: {results:?}");
        // The accepted logout's answer; then the answers to the calls made after it, which come
        // after any answer of the refused one (answers are released in call order).
        let first = rx.recv().unwrap();
        let (logged_in, login_answer) = flume::bounded(1);
        client.login_with("alice", "sig", move |r| logged_in.send(r).unwrap()).unwrap();
        login_answer.recv().unwrap().unwrap();
        let mut answers = vec![first];
        answers.extend(rx.try_iter());
        for (who, result) in results.iter().enumerate() {
            let called = answers.iter().filter(|(w, _)| *w == who).count();
            assert_eq!(called, usize::from(result.is_ok()), "round {round}: {results:?} {answers:?}");
        }
        block(client.logout()).unwrap();
    }
    sdk.shutdown();
}

/// Two accounts of one app, in one data folder: the first shuts down inside its last callback,
/// which waits for an answer from the second, started meanwhile. Had the second's callback thread
/// waited for the first's to exit, neither would ever go on.
#[test]
fn two_accounts_in_one_folder_never_wait_for_each_others_callbacks() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let first = start(dir.path());
    let first_client = first.client();
    tim_core::block_on(first_client.login("alice", "")).unwrap();
    let slot = Arc::new(Mutex::new(Some(first)));
    let (stopped_tx, stopped_rx) = flume::bounded::<()>(1);
    let (second_tx, second_rx) = flume::bounded::<Client>(1);
    let (answer_tx, answer_rx) = flume::bounded::<bool>(1);
    let in_callback = slot.clone();
    first_client
        .create_conversation_with(ConvKey::c2c("x").unwrap(), move |_| {
            in_callback.lock().unwrap().take().unwrap().shutdown();
            stopped_tx.send(()).unwrap();
            let second = second_rx.recv().unwrap();
            let (called_tx, called_rx) = flume::bounded::<()>(1);
            second
                .create_conversation_with(ConvKey::c2c("y").unwrap(), move |_| {
                    let _ = called_tx.send(());
                })
                .unwrap();
            let _ = answer_tx.send(called_rx.recv_timeout(Duration::from_secs(10)).is_ok());
        })
        .unwrap();
    stopped_rx.recv().unwrap();
    let second = start(dir.path());
    tim_core::block_on(second.client().login("bob", "")).unwrap();
    second_tx.send(second.client()).unwrap();
    let answered = answer_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    second.shutdown();
    assert!(answered, "the second account's callback waited for the first account's callback thread");
}
