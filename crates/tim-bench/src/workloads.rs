//! The workloads W1 to W5, run against every engine, with the end-state checks.

use std::ffi::CString;
use std::time::{Duration, Instant};

use tim_ffi::{TIMConvGetConvInfo, TIMConvGetConvList, TIMConvGetConversationListByFilter};

use crate::Sizes;
use crate::corpus;
use crate::engines::ffi::CApi;
use crate::engines::ours::{Ours, message};
use crate::engines::raw_redb::RawRedb;
use crate::engines::sqlite::Sqlite;
use crate::stats::percentiles;

/// Engine names, in table order.
pub const TIM_RUST: &str = "tim (Rust API)";
/// This engine through the C ABI.
pub const TIM_C: &str = "tim (C ABI)";
/// Raw redb.
pub const RAW_REDB: &str = "raw redb";
/// SQLite.
pub const SQLITE: &str = "SQLite";

/// One measured quantity, per engine.
#[derive(Debug, Clone)]
pub struct Measure {
    /// W1..W5.
    pub workload: &'static str,
    /// What was measured.
    pub metric: String,
    /// Its unit.
    pub unit: &'static str,
    /// Whether more is better (throughput) or less (latency).
    pub higher_is_better: bool,
    /// (engine, value).
    pub values: Vec<(&'static str, f64)>,
}

fn tmp() -> Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| e.to_string())
}

/// Waits until the kernel has written every dirty page, so that a latency measured next does not
/// queue its fsync behind the writeback of gigabytes an earlier workload left (the first engine
/// measured after an ingest used to pay for it). Best effort: without `sync` it returns at once.
fn settle_disk() {
    let _ = std::process::Command::new("sync").status();
}

fn timed<T>(f: impl FnOnce() -> Result<T, String>) -> Result<(T, Duration), String> {
    let start = Instant::now();
    let value = f()?;
    Ok((value, start.elapsed()))
}

fn rate(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64()
}

fn deliver_json(range: std::ops::Range<usize>, conversations: usize) -> String {
    let list: Vec<_> = range.map(|n| message(n, conversations)).collect();
    serde_json::to_string(&list).unwrap_or_default()
}

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .map_or(0, |pages| pages * 4096)
}

/// The hidden flag that makes the bench binary measure one store opening and exit.
pub const OPEN_PROBE: &str = "--open-probe";

/// Opens the store in `dir` (start, login, first page) and reports, on one line: the time it took
/// in ms, the growth of resident memory in bytes, the average ConvInfo JSON size and the average
/// stored conversation record size.
pub fn open_probe(dir: &std::path::Path) -> Result<String, String> {
    let before = rss_bytes();
    let (ours, took) = timed(|| {
        let ours = Ours::open(dir)?;
        ours.first_page(100)?;
        Ok(ours)
    })?;
    let grown = rss_bytes().saturating_sub(before);
    let json = ours.own_data_per_conversation()?;
    ours.close();
    let store = tim_core::store::Store::open_file(dir, "bench").map_err(|e| e.to_string())?;
    let (count, bytes) = store.conversation_record_bytes().map_err(|e| e.to_string())?;
    let record = bytes as f64 / count.max(1) as f64;
    Ok(format!("{} {grown} {json} {record}", took.as_secs_f64() * 1e3))
}

/// What [`open_probe`] measured: ms, resident growth, ConvInfo JSON and stored record bytes.
type OpenProbe = (f64, f64, f64, f64);

fn run_open_probe(dir: &std::path::Path) -> Result<OpenProbe, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = std::process::Command::new(exe).arg(OPEN_PROBE).arg(dir).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("open probe failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let nums: Vec<f64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    match nums.as_slice() {
        [ms, rss, json, record] => Ok((*ms, *rss, *json, *record)),
        _ => Err(format!("open probe printed {text:?}")),
    }
}

/// W1's engines take turns in this many rounds.
const W1_TURNS: usize = 10;

/// W4's store is opened this many times (each in a process of its own); the median counts.
const W4_OPENS: usize = 3;

/// The median of some readings (the upper one of an even count).
fn median(readings: impl Iterator<Item = f64>) -> f64 {
    let mut sorted: Vec<f64> = readings.collect();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

/// W3's single caller and eight callers take turns in this many rounds.
const W3_TURNS: usize = 3;

/// Runs every workload; fails if the engines disagree on an end state.
pub fn run_all(s: Sizes) -> Result<Vec<Measure>, String> {
    let mut out = Vec::new();

    // ---- W1 ingest ------------------------------------------------------------------------
    eprintln!(
        "W1: ingest {} messages into {} conversations, {} per call",
        s.messages, s.ingest_conversations, s.batch
    );
    // The engines take turns, a tenth of the messages each (whole calls), every turn on a
    // written-back disk, the first of a turn rotating: run one after the other, each met the
    // machine of its own minutes (raw redb measured 56k and 68k rows/s in two runs of the same
    // code), and the first met the writeback of the bench's own build, queued ahead of its fsyncs.
    let w1_dir = tmp()?;
    let ours = Ours::open(w1_dir.path())?;
    let raw_dir = tmp()?;
    let raw = RawRedb::create(raw_dir.path())?;
    let sqlite_dir = tmp()?;
    let mut sqlite = Sqlite::open(sqlite_dir.path())?;
    let c_dir = tmp()?;
    let capi = CApi::open(c_dir.path())?;
    let (mut rust_took, mut raw_took, mut sqlite_took, mut c_took) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let turn = s.messages.div_ceil(W1_TURNS).next_multiple_of(s.batch.max(1));
    for (n, round) in corpus::batches(0..s.messages, turn).enumerate() {
        for engine in (0..4).map(|k| (n + k) % 4) {
            settle_disk();
            let range = round.clone();
            match engine {
                0 => rust_took += timed(|| ours.ingest(range, s.ingest_conversations, s.batch))?.1,
                1 => raw_took += timed(|| raw.ingest(range, s.ingest_conversations, s.batch))?.1,
                2 => sqlite_took += timed(|| sqlite.ingest(range, s.ingest_conversations, s.batch))?.1,
                _ => {
                    for call in corpus::batches(range, s.batch) {
                        // Building the JSON is part of the call's cost to a C app, as building
                        // the messages is for the other engines: inside the timed region too.
                        c_took += timed(|| capi.deliver(&deliver_json(call, s.ingest_conversations)))?.1;
                    }
                }
            }
        }
    }
    drop(capi);
    let ours_state = ours.end_state()?;
    if raw.end_state()? != ours_state.without_unread() {
        return Err("W1: raw redb and tim disagree on the stored messages".into());
    }
    if sqlite.end_state()? != ours_state {
        return Err("W1: SQLite and tim disagree on messages, unread counts or last messages".into());
    }
    let c_state = {
        let check = Ours::open(c_dir.path())?;
        let state = check.end_state()?;
        check.close();
        state
    };
    if c_state != ours_state {
        return Err("W1: the C ABI and the Rust API disagree".into());
    }
    out.push(Measure {
        workload: "W1 ingest",
        metric: format!("{} messages, durable, {} per call", s.messages, s.batch),
        unit: "messages/s",
        higher_is_better: true,
        values: vec![
            (TIM_RUST, rate(s.messages, rust_took)),
            (TIM_C, rate(s.messages, c_took)),
            (RAW_REDB, rate(s.messages, raw_took)),
            (SQLITE, rate(s.messages, sqlite_took)),
        ],
    });
    if std::env::var("TIM_BENCH_ONLY").as_deref() == Ok("W1") {
        // For working on the ingest path: W1 alone, in a minute or two.
        return Ok(out);
    }

    // ---- W2 full list (the W1 stores) and W3 drafts ---------------------------------------------
    eprintln!("W2: full list of {} conversations", s.ingest_conversations);
    let samples = s.samples.min(50);
    let full_rust: Vec<Duration> =
        (0..samples).map(|_| timed(|| ours.full_list()).map(|(_, t)| t)).collect::<Result<_, _>>()?;
    let full_sqlite: Vec<Duration> =
        (0..samples).map(|_| timed(|| sqlite.list(None)).map(|(_, t)| t)).collect::<Result<_, _>>()?;

    eprintln!("W3: drafts");
    // The C ABI works on its own W1 store (the same content: checked above), so that both paths
    // are open at once and their calls alternate: a Rust draft, a raw redb commit, a C draft, a
    // raw commit. Every call and the floor then meet the same disk (writeback of the earlier
    // workloads, other tenants of the machine): measured one phase after the other, the floor
    // moved by a third between them, and the first phase always met the busier disk.
    // Each path is compared with the raw commits that followed its own calls.
    let capi = CApi::open(c_dir.path())?;
    let listed = capi.call_json(|cb| TIMConvGetConvList(cb, std::ptr::null()))?;
    if listed.as_array().map(Vec::len) != Some(s.ingest_conversations) {
        return Err("W2: TIMConvGetConvList did not list every conversation".into());
    }
    let full_c: Vec<Duration> = (0..samples)
        .map(|_| capi.round_trip(|cb| TIMConvGetConvList(cb, std::ptr::null())))
        .collect::<Result<_, _>>()?;
    let c_draft = |i: usize| {
        let peer = CString::new(corpus::peer(i % s.ingest_conversations)).unwrap_or_default();
        let json = corpus::draft_json(i);
        (peer, CString::new(json).unwrap_or_default())
    };
    let mut raw_commit_rust = Vec::with_capacity(s.samples);
    let mut raw_commit_c = Vec::with_capacity(s.samples);
    let mut draft_rust = Vec::with_capacity(s.samples);
    let mut draft_c = Vec::with_capacity(s.samples);
    settle_disk();
    for i in 0..s.samples {
        draft_rust.push(timed(|| ours.set_draft(i % s.ingest_conversations, i))?.1);
        raw_commit_rust.push(raw.single_commit(i)?);
        let (peer, json) = c_draft(i);
        draft_c.push(capi.set_draft(&peer, &json)?);
        raw_commit_c.push(raw.single_commit(s.samples + i)?);
    }
    settle_disk();
    let draft_sqlite: Vec<Duration> = (0..s.samples)
        .map(|i| {
            let json = corpus::draft_json(i);
            timed(|| sqlite.set_draft(&corpus::peer(i % s.ingest_conversations), &json)).map(|(_, t)| t)
        })
        .collect::<Result<_, _>>()?;
    ours.close();
    drop(sqlite);

    let (draft_1, draft_8) = {
        // One caller back to back and eight at once take turns (each on a written-back disk),
        // both by wall time; one turn each was 0.1 and 0.2 s, short enough for a slow moment of
        // this shared machine to decide the ratio.
        // Every draft of a turn to its own conversation (the quick sizes have few): two callers
        // writing one record would share its write in a commit, which flatters the eight.
        let per_thread = s.samples.min(s.ingest_conversations / 8).max(1);
        let (mut one_took, mut eight_took) = (Duration::ZERO, Duration::ZERO);
        for turn in 0..W3_TURNS {
            let first = (9 + 9 * turn) * s.samples;
            let drafts: Vec<_> = (first..first + s.samples).map(c_draft).collect();
            settle_disk();
            let start = Instant::now();
            for (peer, json) in &drafts {
                capi.set_draft(peer, json)?;
            }
            one_took += start.elapsed();
            settle_disk();
            let start = Instant::now();
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..8)
                    .map(|t| {
                        let capi = &capi;
                        let c_draft = &c_draft;
                        scope.spawn(move || {
                            for i in 0..per_thread {
                                let (peer, json) = c_draft(first + s.samples + t * per_thread + i);
                                capi.set_draft(&peer, &json)?;
                            }
                            Ok::<(), String>(())
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .try_for_each(|h| h.join().unwrap_or_else(|_| Err("a caller panicked".into())))
            })?;
            eight_took += start.elapsed();
        }
        (rate(W3_TURNS * s.samples, one_took), rate(W3_TURNS * 8 * per_thread, eight_took))
    };
    drop(capi);
    out.push(Measure {
        workload: "W2 list",
        metric: format!("full list of {} conversations (p50)", s.ingest_conversations),
        unit: "µs",
        higher_is_better: false,
        values: vec![
            (TIM_RUST, percentiles(full_rust).0),
            (TIM_C, percentiles(full_c).0),
            (SQLITE, percentiles(full_sqlite).0),
        ],
    });
    let (draft_rust_50, draft_rust_99) = percentiles(draft_rust);
    let (draft_c_50, draft_c_99) = percentiles(draft_c);
    let (sqlite_50, sqlite_99) = percentiles(draft_sqlite);
    let (raw_rust_50, raw_rust_99) = percentiles(raw_commit_rust);
    let (raw_c_50, raw_c_99) = percentiles(raw_commit_c);
    // One line per path: each against the raw commits that followed its own calls.
    for (engine, (p50, p99), (raw_50, raw_99)) in [
        (TIM_RUST, (draft_rust_50, draft_rust_99), (raw_rust_50, raw_rust_99)),
        (TIM_C, (draft_c_50, draft_c_99), (raw_c_50, raw_c_99)),
    ] {
        out.push(Measure {
            workload: "W3 draft",
            metric: format!("SetDraft p50 through {engine}, a raw commit after each"),
            unit: "µs",
            higher_is_better: false,
            values: vec![(engine, p50), (RAW_REDB, raw_50), (SQLITE, sqlite_50)],
        });
        out.push(Measure {
            workload: "W3 draft",
            metric: format!("SetDraft p99 through {engine}, a raw commit after each"),
            unit: "µs",
            higher_is_better: false,
            values: vec![(engine, p99), (RAW_REDB, raw_99), (SQLITE, sqlite_99)],
        });
    }
    out.push(Measure {
        workload: "W3 draft",
        metric: "drafts by wall time: 1 caller back to back, 8 callers at once".into(),
        unit: "drafts/s",
        higher_is_better: true,
        values: vec![("tim (C ABI), 1 caller", draft_1), ("tim (C ABI), 8 callers", draft_8)],
    });

    // ---- W4 open, W2 first page, W5 round trip (the big stores) --------------------------------
    eprintln!("W4: a store of {} conversations and {} messages", s.list_conversations, s.open_messages);
    let big_dir = tmp()?;
    {
        let builder = Ours::open(big_dir.path())?;
        builder.ingest(0..s.open_messages, s.list_conversations, s.batch)?;
        builder.close();
    }
    // As before every timed phase: the kernel's writeback of the store just built would
    // otherwise land in the open it times (W4 measured 166-289 ms in one session's runs).
    // Each open in a process of its own, W4_OPENS times: the median open time and resident
    // growth (one sample measured 166-289 ms across runs of the same code).
    let mut opens = Vec::with_capacity(W4_OPENS);
    for _ in 0..W4_OPENS {
        settle_disk();
        opens.push(run_open_probe(big_dir.path())?);
    }
    let open_ms = median(opens.iter().map(|o| o.0));
    let rss_delta = median(opens.iter().map(|o| o.1));
    let (_, _, own_json, own_record) = opens[0];
    let per_conv = rss_delta / s.list_conversations as f64;
    // Memory per conversation *added*: the same kind of store with half the conversations and
    // messages, opened the same way. The difference leaves out what does not grow with the
    // conversations (redb's page cache, the runtime and its threads), which the growth
    // divided by the count above spreads over them.
    let half_conversations = s.list_conversations / 2;
    let half_dir = tmp()?;
    {
        let builder = Ours::open(half_dir.path())?;
        builder.ingest(0..s.open_messages / 2, half_conversations, s.batch)?;
        builder.close();
    }
    let mut half_rss = Vec::with_capacity(W4_OPENS);
    for _ in 0..W4_OPENS {
        settle_disk();
        half_rss.push(run_open_probe(half_dir.path())?.1);
    }
    let half_rss_delta = median(half_rss.into_iter());
    drop(half_dir);
    let per_added_conv = (rss_delta - half_rss_delta) / (s.list_conversations - half_conversations) as f64;
    let ours = Ours::open(big_dir.path())?;
    if ours.first_page(100)? != 100 {
        return Err("W2: the first page through Rust does not hold 100 conversations".into());
    }
    // Two stores were just written: their writeback would run beside these reads (the kernel's
    // flusher threads share the two cores with the wake-ups every call takes).
    settle_disk();
    let page_rust: Vec<Duration> =
        (0..s.samples).map(|_| timed(|| ours.first_page(100)).map(|(_, t)| t)).collect::<Result<_, _>>()?;
    ours.close();

    let big_sqlite_dir = tmp()?;
    {
        let mut builder = Sqlite::open(big_sqlite_dir.path())?;
        builder.ingest(0..s.open_messages, s.list_conversations, s.batch)?;
    }
    // Opened as many times as ours, the median kept (the last open stays for the pages).
    let mut sqlite_opens = Vec::with_capacity(W4_OPENS);
    let mut sqlite = None;
    for _ in 0..W4_OPENS {
        drop(sqlite.take());
        let (db, took) = timed(|| {
            let db = Sqlite::open(big_sqlite_dir.path())?;
            db.list(Some(100))?;
            Ok(db)
        })?;
        sqlite_opens.push(took.as_secs_f64() * 1e3);
        sqlite = Some(db);
    }
    let sqlite = sqlite.ok_or("W4: SQLite was never opened")?;
    let sqlite_open_ms = median(sqlite_opens.into_iter());
    settle_disk();
    let page_sqlite: Vec<Duration> =
        (0..s.samples).map(|_| timed(|| sqlite.list(Some(100))).map(|(_, t)| t)).collect::<Result<_, _>>()?;
    let _ = sqlite.unread(&corpus::peer(0))?;
    drop(sqlite);

    let (page_c, info_c) = {
        let capi = CApi::open(big_dir.path())?;
        let page = capi.call_json(|cb| {
            TIMConvGetConversationListByFilter(std::ptr::null(), 0, 100, cb, std::ptr::null())
        })?;
        if page["conversation_list_result_conv_list"].as_array().map(Vec::len) != Some(100) {
            return Err("W2: the first page through C does not hold 100 conversations".into());
        }
        settle_disk();
        let page_c: Vec<Duration> = (0..s.samples)
            .map(|_| {
                capi.round_trip(|cb| {
                    TIMConvGetConversationListByFilter(std::ptr::null(), 0, 100, cb, std::ptr::null())
                })
            })
            .collect::<Result<_, _>>()?;
        let info_c: Vec<Duration> = (0..s.samples)
            .map(|i| {
                let param = CString::new(format!(
                    r#"[{{"get_conversation_list_param_conv_id":"{}","get_conversation_list_param_conv_type":1}}]"#,
                    corpus::peer(i % s.list_conversations)
                ))
                .unwrap_or_default();
                capi.round_trip(|cb| TIMConvGetConvInfo(param.as_ptr(), cb, std::ptr::null()))
            })
            .collect::<Result<_, _>>()?;
        let param = CString::new(format!(
            r#"[{{"get_conversation_list_param_conv_id":"{}","get_conversation_list_param_conv_type":1}}]"#,
            corpus::peer(0)
        ))
        .unwrap_or_default();
        let info = capi.call_json(|cb| TIMConvGetConvInfo(param.as_ptr(), cb, std::ptr::null()))?;
        if info.as_array().map(Vec::len) != Some(1) || info[0]["conv_id"] != corpus::peer(0).as_str() {
            return Err(format!("W5: TIMConvGetConvInfo answered {info}"));
        }
        (page_c, info_c)
    };
    out.push(Measure {
        workload: "W2 list",
        metric: format!("first page of 100 of {} conversations (p50)", s.list_conversations),
        unit: "µs",
        higher_is_better: false,
        values: vec![
            (TIM_RUST, percentiles(page_rust).0),
            (TIM_C, percentiles(page_c).0),
            (SQLITE, percentiles(page_sqlite).0),
        ],
    });
    out.push(Measure {
        workload: "W4 open",
        metric: format!(
            "open to first list, {} conversations, {} messages, median of {W4_OPENS}",
            s.list_conversations, s.open_messages
        ),
        unit: "ms",
        higher_is_better: false,
        values: vec![(TIM_RUST, open_ms), (SQLITE, sqlite_open_ms)],
    });
    // Two ways to count: the growth per conversation added (from half the store to all of it),
    // and the whole growth divided by the count (fixed costs included).
    let counted = [("per conversation added", per_added_conv), ("growth / conversations", per_conv)];
    // Against nothing, and against two readings of "its own data": the stored record (the
    // conversation's fields, its draft and last message as the JSON they are kept as), and the
    // ConvInfo JSON the API reports (key names included, so it says more than the data: the
    // smaller figure flatters).
    let baselines = [
        ("resident memory after login".to_owned(), 0.0),
        (format!("memory beyond its stored record ({own_record:.0} bytes)"), own_record),
        (format!("memory beyond its ConvInfo JSON ({own_json:.0} bytes)"), own_json),
    ];
    for (what, own) in &baselines {
        for (how, bytes) in counted {
            out.push(Measure {
                workload: "W4 open",
                metric: format!("{what}, {how}"),
                unit: "bytes",
                higher_is_better: false,
                values: vec![(TIM_RUST, bytes - own)],
            });
        }
    }
    let (info_50, info_99) = percentiles(info_c);
    out.push(Measure {
        workload: "W5 round trip",
        metric: "TIMConvGetConvInfo call → callback p50 / p99".into(),
        unit: "µs",
        higher_is_better: false,
        values: vec![("tim (C ABI) p50", info_50), ("tim (C ABI) p99", info_99)],
    });
    Ok(out)
}
