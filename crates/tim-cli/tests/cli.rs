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
    assert_eq!(ids, ["project-x", "alice", "bob", "Windows-Group-01", "Windows-02"]);

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
fn errors_exit_non_zero_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = tim(dir.path(), &["--user", "u", "conv", "delete", "nobody"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("6004"));
    let out = tim(dir.path(), &["conv", "list"]);
    assert!(!out.status.success(), "--user is required");
    let out = tim(dir.path(), &["--user", "u", "draft", "set", "x", "--draft-json", "{\"draft_msg\":1}"]);
    assert!(!out.status.success());
    let out = tim(dir.path(), &["--user", "u", "draft", "cancel", "x"]);
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
