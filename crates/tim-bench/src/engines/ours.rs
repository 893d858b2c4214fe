//! This engine through its Rust API.

use std::path::Path;

use tim_core::{Client, ConvFilter, ConvKey, Sdk, SdkConfig, block_on};
use tim_types::{ConvType, Draft, Elem, Message};

use super::EndState;
use crate::corpus;

/// A running SDK with the bench user logged in.
pub struct Ours {
    sdk: Option<Sdk>,
    client: Client,
}

/// The message `n` as delivered from its conversation's peer.
pub fn message(n: usize, conversations: usize) -> Message {
    let c = corpus::conversation(n, conversations);
    let mut msg = Message::from_elems(vec![Elem::text(corpus::text(n))]);
    msg.message_sender = Some(corpus::peer(c));
    msg.message_conv_type = Some(ConvType::C2C);
    msg.message_msg_id = Some(format!("m{n}"));
    msg.message_server_time = Some(1_700_000_000 + n as u64);
    msg
}

impl Ours {
    /// Starts the SDK on `dir` and logs in.
    pub fn open(dir: &Path) -> Result<Ours, String> {
        let sdk = Sdk::start(SdkConfig::new(dir)).map_err(|e| e.to_string())?;
        let client = sdk.client();
        block_on(client.login("bench", "")).map_err(|e| e.to_string())?;
        Ok(Ours { sdk: Some(sdk), client })
    }

    /// Delivers messages `range` in calls of `batch`.
    pub fn ingest(
        &self,
        range: std::ops::Range<usize>,
        conversations: usize,
        batch: usize,
    ) -> Result<(), String> {
        for run in corpus::batches(range, batch) {
            let list = run.map(|i| message(i, conversations)).collect();
            block_on(self.client.deliver(list)).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The first page of the list.
    pub fn first_page(&self, count: u32) -> Result<usize, String> {
        let page = block_on(self.client.conversation_page(ConvFilter::default(), 0, count))
            .map_err(|e| e.to_string())?;
        Ok(page.list.len())
    }

    /// The whole list.
    pub fn full_list(&self) -> Result<usize, String> {
        Ok(block_on(self.client.conversation_list()).map_err(|e| e.to_string())?.len())
    }

    /// The average size of a conversation's ConvInfo JSON: the data it holds.
    pub fn own_data_per_conversation(&self) -> Result<f64, String> {
        let list = block_on(self.client.conversation_list()).map_err(|e| e.to_string())?;
        let total: usize = list.iter().map(|info| serde_json::to_string(info).map_or(0, |s| s.len())).sum();
        Ok(total as f64 / list.len().max(1) as f64)
    }

    /// Sets a draft and waits until it is durable.
    pub fn set_draft(&self, c: usize, n: usize) -> Result<(), String> {
        let draft = Draft {
            draft_msg: Message::from_elems(vec![Elem::text(corpus::text(n))]),
            draft_user_define: String::new(),
            draft_edit_time: n as u64,
        };
        let key = ConvKey::c2c(corpus::peer(c)).map_err(|e| e.to_string())?;
        self.client.set_draft_blocking(key, draft).map_err(|e| e.to_string())
    }

    /// What the engine holds.
    pub fn end_state(&self) -> Result<EndState, String> {
        let report = block_on(self.client.doctor(false)).map_err(|e| e.to_string())?;
        if !report.mismatches.is_empty() {
            return Err(format!("doctor found mismatches: {:?}", report.mismatches));
        }
        let list = block_on(self.client.conversation_list()).map_err(|e| e.to_string())?;
        let conversations = list
            .into_iter()
            .map(|info| {
                let last = info
                    .conv_last_msg
                    .and_then(|m| match m.message().message_elem_array.into_iter().next() {
                        Some(Elem::Text(t)) => Some(t.text_elem_content),
                        _ => None,
                    })
                    .unwrap_or_default();
                (info.conv_id, (Some(info.conv_unread_num), last))
            })
            .collect();
        Ok(EndState { messages: report.messages, conversations })
    }

    /// Shuts down, closing the store.
    pub fn close(mut self) {
        if let Some(sdk) = self.sdk.take() {
            sdk.shutdown();
        }
    }
}
