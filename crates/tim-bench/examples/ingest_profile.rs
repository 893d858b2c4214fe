//! Profiling aid: only W1 through the Rust API, so `perf record` sees nothing else.
//! `cargo build --release -p tim-bench --example ingest_profile && perf record -g target/release/examples/ingest_profile`

use std::time::Instant;

use tim_core::{Sdk, SdkConfig, block_on};
use tim_types::{ConvType, Elem, Message};

fn main() {
    let messages: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let conversations = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let start = Instant::now();
    for batch in 0..messages / 1000 {
        let list = (batch * 1000..(batch + 1) * 1000)
            .map(|n| {
                let mut msg =
                    Message::from_elems(vec![Elem::text(format!("message {n:08} {}", "x".repeat(180)))]);
                msg.message_sender = Some(format!("u{:06}", n % conversations));
                msg.message_conv_type = Some(ConvType::C2C);
                msg.message_msg_id = Some(format!("m{n}"));
                msg.message_server_time = Some(1_700_000_000 + n as u64);
                msg
            })
            .collect();
        block_on(client.deliver(list)).unwrap();
    }
    let took = start.elapsed();
    println!("{messages} messages in {took:?}: {:.0}/s", messages as f64 / took.as_secs_f64());
    sdk.shutdown();
}
