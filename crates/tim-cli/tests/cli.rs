//! The `tim` binary end to end, on real store files.

use std::process::{Command, Output};

use serde_json::Value;

fn tim(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tim")).arg("--data-dir").arg(dir).args(args).output().unwrap()
}

fn ok_json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = tim(dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn demo_then_list_show_and_edit() {
    let dir = tempfile::tempdir().unwrap();
    let out = tim(dir.path(), &["demo"]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("5 conversation(s)"), "{table}");

    let list = ok_json(dir.path(), &["--user", "demo", "--json", "conv", "list"]);
    let ids: Vec<_> = list.as_array().unwrap().iter().map(|c| c["conv_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["bob", "project-x", "alice", "Windows-Group-01", "Windows-02"]);
    let again = tim(dir.path(), &["demo"]);
    assert!(again.status.success(), "demo can run twice: {}", String::from_utf8_lossy(&again.stderr));
    let unread = ok_json(dir.path(), &["--user", "demo", "--json", "unread"]);
    assert_eq!(unread["conv_get_total_unread_message_count_result_unread_count"], 3, "{unread}");

    let out = tim(dir.path(), &["--user", "demo", "draft", "set", "bob", "--text", "hi bob"]);
    assert!(out.status.success());
    let bob = ok_json(dir.path(), &["--user", "demo", "--json", "conv", "show", "bob"]);
    assert_eq!(bob["conv_draft"]["draft_msg"]["message_elem_array"][0]["text_elem_content"], "hi bob");
    let list = ok_json(dir.path(), &["--user", "demo", "--json", "conv", "list"]);
    assert_eq!(list[0]["conv_id"], "bob", "a draft moves the conversation up");

    assert!(tim(dir.path(), &["--user", "demo", "draft", "cancel", "bob"]).status.success());
    assert!(
        tim(dir.path(), &["--user", "demo", "conv", "delete", "project-x", "--type", "group"])
            .status
            .success()
    );
    let list = ok_json(dir.path(), &["--user", "demo", "--json", "conv", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(list[0]["conv_is_has_draft"], false);
}

#[test]
fn messages_unread_and_doctor() {
    let dir = tempfile::tempdir().unwrap();
    fn u<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["--user", "me", "--json"][..], args].concat()
    }
    let got = ok_json(dir.path(), &u(&["msg", "receive", "ann", "--text", "one"]));
    assert_eq!(got[0]["message_sender"], "ann");
    ok_json(dir.path(), &u(&["msg", "receive", "ann", "--text", "two"]));
    let sent = ok_json(dir.path(), &u(&["msg", "send", "ann", "--text", "mine"]));
    let sent_id = sent[0]["message_msg_id"].as_str().unwrap().to_owned();
    let unread = ok_json(dir.path(), &u(&["unread"]));
    assert_eq!(unread["conv_get_total_unread_message_count_result_unread_count"], 2);

    let history = ok_json(dir.path(), &u(&["msg", "list", "ann"]));
    let texts: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_elem_array"][0]["text_elem_content"].clone())
        .collect();
    assert_eq!(texts, ["mine", "two", "one"]);

    assert!(tim(dir.path(), &u(&["msg", "delete", "ann", &sent_id])).status.success());
    let ann = ok_json(dir.path(), &u(&["conv", "show", "ann"]));
    assert_eq!(ann["conv_last_msg"]["message_elem_array"][0]["text_elem_content"], "two");

    assert!(tim(dir.path(), &u(&["conv", "read", "ann"])).status.success());
    let unread = ok_json(dir.path(), &u(&["unread"]));
    assert_eq!(unread["conv_get_total_unread_message_count_result_unread_count"], 0);

    let file = dir.path().join("import.json");
    let batch: Vec<_> = (0..2500)
        .map(|i| serde_json::json!({"message_elem_array":[{"elem_type":0,"text_elem_content":format!("m{i}")}],
            "message_msg_id": format!("imp-{i}"), "message_sender": "zed", "message_server_time": 1_000_000 + i}))
        .collect();
    std::fs::write(&file, serde_json::to_string(&batch).unwrap()).unwrap();
    let imported = ok_json(dir.path(), &u(&["msg", "import", "zed", "--file", file.to_str().unwrap()]));
    assert_eq!(imported["stored"], 2500);
    let imported = ok_json(dir.path(), &u(&["msg", "import", "zed", "--file", file.to_str().unwrap()]));
    assert_eq!(imported["stored"], 0, "importing again stores nothing twice");
    let zed = ok_json(dir.path(), &u(&["conv", "show", "zed"]));
    assert_eq!(zed["conv_unread_num"], 0, "imported history is not news");
    let report = ok_json(dir.path(), &u(&["doctor"]));
    assert_eq!(report["messages"], 2502);
    assert_eq!(report["mismatches"].as_array().unwrap().len(), 0);
    assert_eq!(report["damaged_numbers"], serde_json::json!([]));
}

#[test]
fn the_doctor_reports_conversation_numbers_no_fix_can_undo() {
    let dir = tempfile::tempdir().unwrap();
    let u = |args: &[&'static str]| [&["--user", "u", "--json"][..], args].concat();
    for peer in ["bob", "dave"] {
        let imported = |file: &str| {
            ok_json(dir.path(), &["--user", "u", "--json", "msg", "import", peer, "--file", file])
        };
        let file = dir.path().join(format!("{peer}.json"));
        let batch = serde_json::json!([{"message_elem_array": [{"elem_type": 0, "text_elem_content": format!("hi from {peer}")}],
            "message_msg_id": format!("{peer}-1"), "message_sender": peer}]);
        std::fs::write(&file, batch.to_string()).unwrap();
        assert_eq!(imported(file.to_str().unwrap())["stored"], 1);
    }
    // A damaged file: dave given bob's number as well (the user's one store file, as the
    // engine names its tables).
    let store = std::fs::read_dir(dir.path().join("users")).unwrap().next().unwrap().unwrap().path();
    {
        let numbers: redb::TableDefinition<(u8, &str), u32> =
            redb::TableDefinition::new("conversation_numbers");
        let db = redb::Database::create(&store).unwrap();
        let txn = db.begin_write().unwrap();
        {
            use redb::ReadableTable;
            let mut table = txn.open_table(numbers).unwrap();
            let bob = table.get((1, "bob")).unwrap().unwrap().value();
            table.insert((1, "dave"), bob).unwrap();
        }
        txn.commit().unwrap();
    }
    let out = tim(dir.path(), &["--user", "u", "doctor", "--fix"]);
    assert!(!out.status.success(), "no fix undoes it");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("damaged: number 0 is held by c2c_bob and c2c_dave"), "{stdout}");
    assert!(stdout.contains("checked 2 conversation(s), 1 message(s)"), "counted once: {stdout}");
    // dave's own message, under the number that names him but that he no longer holds.
    assert!(stdout.contains("unindexed: 1 message record(s)"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("named twice"));
    let out = tim(dir.path(), &u(&["doctor"]));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["damaged_numbers"].as_array().unwrap().len(), 1, "{report}");
    // Neither was recounted from rows that may be the other's.
    for peer in ["bob", "dave"] {
        let shown = ok_json(dir.path(), &u(&["conv", "show", peer]));
        let last = &shown["conv_last_msg"]["message_elem_array"][0]["text_elem_content"];
        assert_eq!(last, &serde_json::json!(format!("hi from {peer}")), "{shown}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("`tim salvage`"), "the error names the way out");

    // A salvage numbers the conversations again from the messages: each has its history back.
    let salvaged = ok_json(dir.path(), &u(&["salvage"]));
    assert_eq!(salvaged["messages"], 2, "{salvaged}");
    assert!(tim(dir.path(), &["--user", "u", "doctor"]).status.success(), "a clean store");
    for peer in ["bob", "dave"] {
        let history = ok_json(dir.path(), &u(&["msg", "list", peer]));
        assert_eq!(history.as_array().unwrap().len(), 1, "{peer}: {history}");
    }
}

#[test]
fn errors_exit_non_zero_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    assert!(tim(dir.path(), &["--user", "u", "conv", "create", "x"]).status.success());
    let out = tim(dir.path(), &["--user", "u", "conv", "delete", "nobody"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("6004"));
    let out = tim(dir.path(), &["conv", "list"]);
    assert!(!out.status.success(), "--user is required");
    let out = tim(dir.path(), &["--user", "u", "draft", "set", "x", "--draft-json", "{\"draft_msg\":1}"]);
    assert!(!out.status.success());
    let out = tim(dir.path(), &["--user", "u", "draft", "cancel", "nobody"]);
    assert!(!out.status.success());
}

#[test]
fn a_store_open_elsewhere_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = tim_core::Sdk::start(tim_core::SdkConfig::new(dir.path())).unwrap();
    tim_core::block_on(sdk.client().login("busy", "")).unwrap();
    let out = tim(dir.path(), &["--user", "busy", "conv", "list"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already open"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sdk.shutdown();
    assert!(tim(dir.path(), &["--user", "busy", "conv", "list"]).status.success(), "the lock is released");
}

#[test]
fn a_command_that_only_reads_does_not_create_a_store() {
    let dir = tempfile::tempdir().unwrap();
    for args in
        [&["conv", "list"][..], &["unread"], &["doctor"], &["msg", "list", "x"], &["draft", "cancel", "x"]]
    {
        let out = tim(dir.path(), &[&["--user", "typo"][..], args].concat());
        assert!(!out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("no store for \"typo\""), "{args:?}");
    }
    assert!(!tim_core::store::user_store_path(dir.path(), "typo").exists(), "nothing was created");
    assert!(
        tim(dir.path(), &["--user", "typo", "conv", "create", "x"]).status.success(),
        "adding creates it"
    );
    assert!(tim(dir.path(), &["--user", "typo", "conv", "list"]).status.success());
}

#[test]
fn a_command_that_adds_but_fails_on_its_arguments_creates_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let cases: [&[&str]; 7] = [
        &["conv", "create", ""],
        &["msg", "send", "", "--text", "hi"],
        &["msg", "receive", "g", "--type", "group", "--text", "hi"],
        &["msg", "receive", "bob", "--from", "", "--text", "hi"],
        &["msg", "import", "bob", "--file", missing.to_str().unwrap()],
        &["draft", "set", "bob", "--draft-json", "{"],
        &["draft", "set", "", "--text", "hi"],
    ];
    for args in cases {
        let out = tim(dir.path(), &[&["--user", "typo"][..], args].concat());
        assert!(!out.status.success(), "{args:?}");
        assert!(
            !tim_core::store::user_store_path(dir.path(), "typo").exists(),
            "{args:?} failed ({}) but created the store",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
}

#[test]
fn an_empty_file_is_not_read_as_an_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = tim_core::store::user_store_path(dir.path(), "me");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"").unwrap();
    for args in [&["conv", "list"][..], &["unread"], &["doctor"], &["doctor", "--fix"]] {
        let out = tim(dir.path(), &[&["--user", "me"][..], args].concat());
        assert!(!out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stderr).contains("is empty (0 bytes)"), "{args:?}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "{args:?} wrote into the file");
    }
    assert!(
        tim(dir.path(), &["--user", "me", "conv", "create", "bob"]).status.success(),
        "adding starts afresh"
    );
    assert!(tim(dir.path(), &["--user", "me", "conv", "list"]).status.success());
}

#[test]
fn a_file_that_is_not_a_store_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = tim_core::store::user_store_path(dir.path(), "me");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"not a store, but notes someone saved here").unwrap();
    let out = tim(dir.path(), &["--user", "me", "conv", "list"]);
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(error.contains(&format!("cannot open {}", path.display())), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), b"not a store, but notes someone saved here", "left as it was");
}

#[test]
fn the_doctor_puts_back_a_lost_message_counter() {
    let dir = tempfile::tempdir().unwrap();
    let me = |args: &[&'static str]| [&["--user", "me"][..], args].concat();
    assert!(tim(dir.path(), &me(&["msg", "receive", "bob", "--text", "one"])).status.success());
    {
        let meta: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("meta");
        let db = redb::Database::create(tim_core::store::user_store_path(dir.path(), "me")).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(meta).unwrap().remove("next_msg_uid").unwrap();
        txn.commit().unwrap();
    }
    let check = tim(dir.path(), &me(&["doctor"]));
    assert!(!check.status.success(), "reported: {}", String::from_utf8_lossy(&check.stdout));
    assert!(String::from_utf8_lossy(&check.stdout).contains("message counter"));
    let out = tim(dir.path(), &me(&["msg", "receive", "bob", "--text", "two"]));
    assert!(out.status.success(), "stored past the log: {}", String::from_utf8_lossy(&out.stderr));
    assert!(tim(dir.path(), &me(&["doctor"])).status.success(), "the counter is written back");
    let history = ok_json(dir.path(), &me(&["--json", "msg", "list", "bob"]));
    assert_eq!(history.as_array().map(Vec::len), Some(2));
}

#[test]
fn an_import_file_may_be_larger_than_a_c_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    let text = "y".repeat(7_000);
    let batch: Vec<_> = (0..700)
        .map(|i| serde_json::json!({"message_elem_array":[{"elem_type":0,"text_elem_content":format!("{i} {text}")}],
            "message_msg_id": format!("big-{i}"), "message_sender": "zed"}))
        .collect();
    let json = serde_json::to_string(&batch).unwrap();
    assert!(json.len() > tim_types::limits::MAX_JSON_BYTES, "the file is over the C limit");
    std::fs::write(&file, json).unwrap();
    let imported = ok_json(
        dir.path(),
        &["--user", "me", "--json", "msg", "import", "zed", "--file", file.to_str().unwrap()],
    );
    assert_eq!(imported["stored"], 700);
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(tim(dir.path(), &["--user", "me", "conv", "create", "x"]).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tim"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--user", "me", "conv", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // `tim conv list | head -0`
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(tim(dir.path(), &["--user", "me", "conv", "list"]).status.success(), "the store was closed");
}

#[test]
fn salvage_replaces_a_store_whose_login_fails() {
    let dir = tempfile::tempdir().unwrap();
    let me = |args: &[&'static str]| [&["--user", "me"][..], args].concat();
    for peer in ["bob", "carol"] {
        assert!(tim(dir.path(), &me(&["msg", "receive", peer, "--text", "hi"])).status.success());
    }
    let sound = ok_json(dir.path(), &me(&["--json", "salvage"]));
    assert_eq!((sound["conversations"].as_u64(), sound["messages"].as_u64()), (Some(2), Some(2)), "{sound}");
    assert_eq!(sound["doctor"]["mismatches"], serde_json::json!([]), "{sound}");
    assert!(std::path::Path::new(sound["damaged_copy"].as_str().unwrap()).is_file(), "{sound}");

    // bob's record no longer decodes: every command that opens the store fails, and says what to do.
    let path = tim_core::store::user_store_path(dir.path(), "me");
    {
        const CONVERSATIONS: redb::TableDefinition<(u8, &str), &[u8]> =
            redb::TableDefinition::new("conversations");
        let db = redb::Database::open(&path).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(CONVERSATIONS).unwrap().insert((1, "bob"), [0xEE; 40].as_slice()).unwrap();
        txn.commit().unwrap();
    }
    let out = tim(dir.path(), &me(&["conv", "list"]));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`tim salvage`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = tim(dir.path(), &me(&["salvage"]));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(printed.contains("kept 2 conversation(s) and 2 message(s)"), "{printed}");
    assert!(printed.contains("remade: 1 conversation(s)"), "{printed}");
    assert!(printed.contains("the damaged file is kept as"), "{printed}");
    let list = ok_json(dir.path(), &me(&["--json", "conv", "list"]));
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert!(tim(dir.path(), &me(&["doctor"])).status.success());

    let out = tim(dir.path(), &["--user", "nobody", "salvage"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no store to salvage"));
}

/// IDs from the store (peers choose them) never reach the operator's terminal with their
/// control characters: `unread`, `msg list`, `conv list`, confirmations and errors escape them.
#[test]
fn control_characters_in_stored_ids_are_never_printed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "x\u{1b}]0;PWNED\u{7}\u{1b}[2Jy\nfake 99";
    let run = |args: &[&str]| {
        let out = tim(dir.path(), &[&["--user", "op"][..], args].concat());
        (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    assert!(run(&["msg", "receive", evil, "--text", "hi"]).0);
    let file = dir.path().join("m.json");
    let message = serde_json::json!([{
        "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
        "message_msg_id": "m\u{1b}]0;PWNED\u{7}\nfake row",
    }]);
    std::fs::write(&file, message.to_string()).unwrap();
    assert!(run(&["msg", "import", "bob", "--file", file.to_str().unwrap()]).0);
    let printed = [
        run(&["unread"]),
        run(&["msg", "list", "bob"]),
        run(&["conv", "list"]),
        run(&["msg", "delete", "bob", "no\u{1b}[2Jsuch"]),
        run(&["conv", "delete", evil]),
    ];
    for (_, stdout, stderr) in &printed {
        for text in [stdout, stderr] {
            assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
            assert!(!text.contains("\nfake"), "no forged line: {text:?}");
        }
    }
    assert!(printed[0].1.contains(r"x\u{1b}]0;PWNED\u{7}\u{1b}[2Jy\u{a}fake 99"), "{:?}", printed[0].1);
    assert!(printed[1].1.contains(r"[m\u{1b}]0;PWNED\u{7}\u{a}fake row]"), "{:?}", printed[1].1);
    assert!(!printed[3].0 && printed[3].2.contains(r"no\u{1b}[2Jsuch"), "{:?}", printed[3]);
    assert!(printed[4].0 && printed[4].1.contains(r"deleted c2c_x\u{1b}"), "{:?}", printed[4]);
}

/// `conv show` reads the one conversation (not the whole list): shown if it exists, the
/// documented error otherwise.
#[test]
fn conv_show_shows_one_conversation_or_says_it_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    assert!(tim(dir.path(), &["demo"]).status.success());
    let group =
        ok_json(dir.path(), &["--user", "demo", "--json", "conv", "show", "project-x", "--type", "group"]);
    assert_eq!((group["conv_id"].as_str(), group["conv_type"].as_u64()), (Some("project-x"), Some(2)));
    let missing = tim(dir.path(), &["--user", "demo", "conv", "show", "nobody"]);
    assert!(!missing.status.success());
    assert_eq!(String::from_utf8_lossy(&missing.stderr), "tim: conversation c2c_nobody does not exist\n");
    let wrong_type = tim(dir.path(), &["--user", "demo", "conv", "show", "project-x"]);
    assert!(!wrong_type.status.success(), "project-x is a group, not a C2C conversation");
}

/// The salvage hint of a damaged store's error stays on a line of its own (errors are escaped
/// line by line).
#[test]
fn the_salvage_hint_is_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(tim(dir.path(), &["--user", "me", "msg", "receive", "bob", "--text", "hi"]).status.success());
    let path = tim_core::store::user_store_path(dir.path(), "me");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let out = tim(dir.path(), &["--user", "me", "conv", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!stderr.contains(r"\u{a}"), "{stderr}");
    let hint = "(if the file is damaged, `tim salvage` makes a new store of what still reads)";
    assert_eq!(stderr.lines().nth(1), Some(hint), "{stderr}");
}

/// The README's CLI transcript, run as written (in a fresh folder, the default `./tim-data`):
/// each command prints what the README shows, but for the engine-made message ID in brackets.
#[test]
fn the_readme_transcript_prints_what_it_shows() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme.split("\n## CLI\n").nth(1).expect("README.md has a CLI section");
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("\n```").next()).expect("a sh block");
    let dir = tempfile::tempdir().unwrap();
    // Each `$ tim ...` line (its comment cut off) and the lines shown after it.
    let mut steps: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("$ tim ") {
            Some(command) => {
                let command = command.split('#').next().unwrap_or_default();
                // Split on spaces as a shell would without quotes; the README quotes nothing.
                assert!(!command.contains(['"', '\'']), "a quoted word in `{command}`");
                steps.push((command.split_whitespace().map(str::to_owned).collect(), Vec::new()));
            }
            None => steps.last_mut().expect("output before a command").1.push(line.to_owned()),
        }
    }
    assert!(steps.len() >= 3, "the transcript has {} commands", steps.len());
    let without_id = |line: &str| match (line.find('['), line.rfind(']')) {
        (Some(open), Some(close)) if open < close => format!("{}[ID]{}", &line[..open], &line[close + 1..]),
        _ => line.to_owned(),
    };
    for (args, shown) in steps {
        let out =
            Command::new(env!("CARGO_BIN_EXE_tim")).current_dir(dir.path()).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let printed: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(without_id).collect();
        let shown: Vec<String> = shown.iter().map(|l| without_id(l)).collect();
        assert_eq!(printed, shown, "`tim {}` prints otherwise than README.md shows", args.join(" "));
    }
    assert!(dir.path().join("tim-data").is_dir(), "the default data folder is ./tim-data");
}

/// The number of messages `tim msg list` finds in a conversation (0 if it cannot list it).
fn stored_in(dir: &std::path::Path, user: &str, conv: &str) -> usize {
    let out = tim(dir, &["--user", user, "--json", "msg", "list", conv, "--count", "100000"]);
    if !out.status.success() {
        return 0;
    }
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().len()
}

#[test]
fn an_import_file_with_an_invalid_sender_imports_nothing_and_creates_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history.json");
    for bad_sender in [Value::from("a\u{0}b"), Value::from("s".repeat(1025))] {
        let mut batch: Vec<_> = (0..1500)
            .map(|i| {
                serde_json::json!({"message_elem_array":[{"elem_type":0,"text_elem_content":format!("m{i}")}],
                "message_msg_id": format!("h-{i}")})
            })
            .collect();
        // In the second chunk of 1,000: the first would be imported before the second is read.
        batch[1200]["message_sender"] = bad_sender;
        std::fs::write(&file, serde_json::to_string(&batch).unwrap()).unwrap();
        let out = tim(dir.path(), &["--user", "me", "msg", "import", "p", "--file", file.to_str().unwrap()]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("message 1200: message_sender"), "{stderr}");
        let store = tim_core::store::user_store_path(dir.path(), "me");
        assert!(!store.exists(), "a store was created at {}", store.display());
        assert_eq!(stored_in(dir.path(), "me", "p"), 0, "messages of a rejected file were imported");
    }
}

#[test]
fn importing_a_file_again_stores_nothing_twice_even_without_message_ids() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old-chat.json");
    // Two identical messages are two messages; the third differs by its time.
    let batch: Vec<_> = [1000, 1000, 1001]
        .iter()
        .map(|t| {
            serde_json::json!({"message_elem_array":[{"elem_type":0,"text_elem_content":"same"}],
            "message_client_time": t, "message_server_time": t})
        })
        .collect();
    std::fs::write(&file, serde_json::to_string(&batch).unwrap()).unwrap();
    let import = |conv: &str| {
        let out = tim(
            dir.path(),
            &["--user", "me", "--json", "msg", "import", conv, "--file", file.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["stored"].as_u64().unwrap()
    };
    assert_eq!(import("dave"), 3);
    // Interrupted or failed on a later chunk; the operator runs it again, as the docs say.
    assert_eq!(import("dave"), 0);
    assert_eq!(stored_in(dir.path(), "me", "dave"), 3);
    // The same file into another conversation is other messages.
    assert_eq!(import("erin"), 3);
    let ids: Vec<Value> = ok_json(dir.path(), &["--user", "me", "--json", "msg", "list", "dave"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_msg_id"].clone())
        .collect();
    assert!(ids.iter().all(|id| id.as_str().is_some_and(|id| id.starts_with("import-"))), "{ids:?}");
}

#[test]
fn a_failed_write_of_the_output_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(tim(dir.path(), &["--user", "me", "msg", "receive", "bob", "--text", "hi"]).status.success());
    for args in [&["--json", "msg", "list", "bob"][..], &["conv", "list"][..]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_tim"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--user", "me"])
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}: exit {:?} although nothing was written", out.status);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("cannot write the output"), "{stderr}");
    }
}

#[test]
fn a_login_that_fails_for_another_reason_than_damage_does_not_suggest_salvage() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the store file should be: the system refuses to open it as a file.
    std::fs::create_dir_all(tim_core::store::user_store_path(dir.path(), "me")).unwrap();
    let out = tim(dir.path(), &["--user", "me", "conv", "create", "x"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open"), "{stderr}");
    assert!(!stderr.contains("tim salvage"), "the error suggests a salvage that cannot help: {stderr}");
}

#[test]
fn compact_gives_back_what_a_deleted_history_freed_and_changes_nothing_seen() {
    let dir = tempfile::tempdir().unwrap();
    let me = |args: &[&str]| -> Vec<String> {
        ["--user", "me"].iter().chain(args).map(|s| s.to_string()).collect()
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = tim(dir.path(), &args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    // A history long enough to be removed at idle moments (more than 2,048 messages), which
    // the CLI, exiting at once, leaves to be removed.
    let file = dir.path().join("big.json");
    let big: Vec<_> = (0..6000)
        .map(|i| {
            serde_json::json!({"message_elem_array":[{"elem_type":0,"text_elem_content":format!("{i} {}", "x".repeat(300))}],
            "message_msg_id": format!("big-{i}"), "message_server_time": 1_700_000_000 + i})
        })
        .collect();
    std::fs::write(&file, serde_json::to_string(&big).unwrap()).unwrap();
    run(me(&["msg", "import", "big", "--file", file.to_str().unwrap()]));
    run(me(&["msg", "receive", "small", "--text", "kept"]));
    run(me(&["conv", "delete", "big"]));
    let seen = || (run(me(&["--json", "conv", "list"])), run(me(&["--json", "msg", "list", "small"])));
    let before = seen();

    let report: Value = serde_json::from_str(&run(me(&["--json", "compact"]))).unwrap();
    // Almost always true: the `tim` process shuts down right after the delete, but an idle
    // moment may still have come and removed the rows (tim-core's test asserts it exactly).
    assert!(report["removed_deleted_histories"].is_boolean(), "{report}");
    let (was, is) = (report["bytes_before"].as_u64().unwrap(), report["bytes_after"].as_u64().unwrap());
    assert!(is < was / 2, "{was} -> {is} bytes");
    let path = tim_core::store::user_store_path(dir.path(), "me");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), is);
    assert_eq!(seen(), before, "nothing any call sees changed");
    let doctor: Value = serde_json::from_str(&run(me(&["--json", "doctor"]))).unwrap();
    assert_eq!(doctor["mismatches"], serde_json::json!([]), "{doctor}");
    // Again: nothing left to remove, and the file stays as small.
    let again: Value = serde_json::from_str(&run(me(&["--json", "compact"]))).unwrap();
    assert_eq!(again["removed_deleted_histories"], false);
    assert!(again["bytes_after"].as_u64().unwrap() <= is + 64 * 1024, "{again}");
    // The store takes new messages, under the deleted one's name too.
    run(me(&["msg", "receive", "big", "--text", "back"]));
    assert!(run(me(&["msg", "list", "big"])).contains("1 message(s)"));

    let out = tim(dir.path(), &["--user", "nobody", "compact"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no store to compact"));
}

#[test]
fn compact_fails_on_a_damaged_store_without_a_panic_and_refuses_an_empty_file() {
    for offset in (16384..65536).step_by(4096) {
        let dir = tempfile::tempdir().unwrap();
        assert!(tim(dir.path(), &["--user", "me", "msg", "receive", "bob", "--text", "hi"]).status.success());
        let path = tim_core::store::user_store_path(dir.path(), "me");
        let mut bytes = std::fs::read(&path).unwrap();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for b in &mut bytes[offset..offset + 4096] {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        std::fs::write(&path, &bytes).unwrap();
        let out = tim(dir.path(), &["--user", "me", "compact"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Some pages are not read by a compaction of so small a store: it may succeed.
        assert!(matches!(out.status.code(), Some(0 | 1)), "offset {offset}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "offset {offset}: {stderr}");
    }
    // An empty file is no store: opening it would make one.
    let dir = tempfile::tempdir().unwrap();
    let path = tim_core::store::user_store_path(dir.path(), "me");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"").unwrap();
    let out = tim(dir.path(), &["--user", "me", "compact"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty (0 bytes)"));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "left as it was");
}

#[test]
fn importing_a_file_of_no_message_creates_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.json");
    std::fs::write(&file, "[]").unwrap();
    let import = |user: &str| {
        tim(dir.path(), &["--user", user, "msg", "import", "bob", "--file", file.to_str().unwrap()])
    };
    let out = import("typo");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store for \"typo\""));
    assert!(!tim_core::store::user_store_path(dir.path(), "typo").exists(), "nothing was created");
    // Into an existing store: nothing to import, said so.
    assert!(tim(dir.path(), &["--user", "me", "msg", "receive", "ann", "--text", "hi"]).status.success());
    let out = import("me");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "imported 0 message(s) into c2c_bob");
}

#[test]
fn the_ids_an_import_makes_ignore_key_order_and_an_empty_id() {
    let dir = tempfile::tempdir().unwrap();
    let import = |name: &str, text: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        ok_json(
            dir.path(),
            &["--user", "me", "--json", "msg", "import", "p", "--file", file.to_str().unwrap()],
        )["stored"]
            .as_u64()
            .unwrap()
    };
    let original = r#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"x","app_y":{"b":1,"a":2}}],"app_b":2,"app_a":1}]"#;
    // The same message, its keys sorted (what `jq -S .` writes), and with an empty ID.
    let sorted = r#"[{"app_a":1,"app_b":2,"message_elem_array":[{"app_y":{"a":2,"b":1},"elem_type":0,"text_elem_content":"x"}]}]"#;
    let empty_id = r#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"x","app_y":{"b":1,"a":2}}],"app_b":2,"app_a":1,"message_msg_id":""}]"#;
    assert_eq!(import("a.json", original), 1);
    assert_eq!(import("b.json", sorted), 0, "the reformatted file stored a duplicate");
    assert_eq!(import("c.json", empty_id), 0, "\"\" and no ID made two messages");
    // What the store takes as absent: an empty sender, zero times and sequence.
    let zeros = r#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"x","app_y":{"b":1,"a":2}}],"app_b":2,"app_a":1,"message_sender":"","message_seq":0,"message_server_time":0,"message_client_time":0}]"#;
    assert_eq!(import("d.json", zeros), 0, "absent and empty or zero made two messages");
}
