//! Profiling aid: what the first message operation after a crash pays to read the index rows
//! written behind (`tim_core::store`'s pending rows) back from the log. Stores `N` W1 messages
//! (default 65,000: just under one fold) through the store API, drops the store without folding
//! (as a crash does), opens it again and times the first operation (a history page), then a
//! second one, then the fold a close makes. `rebuild_probe [N]`.

mod common;

use std::time::Instant;

use tim_core::ConvKey;
use tim_core::store::Store;
use tim_core::store::ops::{HistoryQuery, MsgOp};

fn main() {
    let messages: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(65_000);
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = Store::open(dir.path(), "bench").unwrap();
        let mut order_key = 1;
        for batch in 0..messages.div_ceil(1000) {
            let list = (batch * 1000..((batch + 1) * 1000).min(messages))
                .map(|n| common::w1_message(n, 10_000))
                .collect();
            let op = MsgOp::Deliver { messages: list, only_known_groups: false, for_user: None };
            order_key = store.execute(vec![op], 0, order_key, false, Vec::new()).unwrap().next_order_key;
        }
        // Dropped without `fold_pending_rows`: as after a crash.
    }
    let (store, _) = Store::open(dir.path(), "bench").unwrap();
    let key = ConvKey::c2c("u000001").unwrap();
    for round in ["first operation (reads the rows back)", "second operation"] {
        let read = MsgOp::History { key: key.clone(), query: HistoryQuery::default() };
        let start = Instant::now();
        store.execute(vec![read], 0, 1, false, Vec::new()).unwrap();
        println!("{round}: {:?}", start.elapsed());
    }
    // What a close then pays to fold them (`StoreSlot::close`: logout, `TIMUninit`).
    let start = Instant::now();
    store.fold_pending_rows().unwrap();
    println!("the fold at close: {:?}", start.elapsed());
}
