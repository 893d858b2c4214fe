//! The stored form of a conversation record: a compact binary layout, because decoding every
//! record is most of what a login costs (JSON spelled out every field name and number).
//!
//! Layout (version 1): the byte `0x01`, then the fields of [`Conversation`] in declaration
//! order — integers as little-endian `u64` (types and options as one byte), strings as a `u32`
//! length and UTF-8 bytes, optional parts behind a flag byte. The draft and the last message stay
//! JSON text inside (they carry app keys that must round-trip). A record starting with `{` is the
//! older JSON form and still reads.

use tim_types::{ConvType, Draft, GroupAtInfo, GroupAtType, MessageJson, ReceiveMessageOpt};

use crate::state::messages::MsgPos;
use crate::state::{ConvExtras, Conversation};

const VERSION: u8 = 1;

const PINNED: u8 = 1;
const HIDDEN: u8 = 1 << 1;
const DRAFT: u8 = 1 << 2;
const LAST_MSG: u8 = 1 << 3;
const SHOW_NAME: u8 = 1 << 4;
const FACE_URL: u8 = 1 << 5;

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.0.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn pos(&mut self, pos: Option<MsgPos>) {
        match pos {
            Some(p) => {
                self.u8(1);
                self.u64(p.time);
                self.u64(p.uid);
            }
            None => self.u8(0),
        }
    }
}

/// Encodes a conversation record.
pub fn encode(conv: &Conversation) -> Vec<u8> {
    let extras = conv.extras();
    let mut w = Writer(Vec::with_capacity(128 + conv.last_msg.as_ref().map_or(0, |m| m.text().len())));
    w.u8(VERSION);
    w.u8(conv.key.conv_type().value() as u8);
    w.str(conv.key.id());
    w.u64(conv.order_key);
    let flags = [
        (conv.pinned, PINNED),
        (conv.hidden, HIDDEN),
        (extras.draft.is_some(), DRAFT),
        (conv.last_msg.is_some(), LAST_MSG),
        (extras.show_name.is_some(), SHOW_NAME),
        (extras.face_url.is_some(), FACE_URL),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .fold(0, |acc, (_, bit)| acc | bit);
    w.u8(flags);
    w.u8(conv.recv_opt.value() as u8);
    w.u64(conv.unread);
    w.pos(conv.last_pos());
    w.pos(conv.newest());
    w.pos(conv.read_mark());
    w.u64(conv.read_seq);
    w.u64(conv.max_seq);
    w.u64(extras.group_at.len() as u64);
    for at in &extras.group_at {
        w.u64(at.conv_group_at_info_seq);
        w.u8(at.conv_group_at_info_at_type.value() as u8);
    }
    w.u64(extras.marks);
    w.str(&extras.custom_data);
    w.u64(extras.groups.len() as u64);
    for g in &extras.groups {
        w.str(g);
    }
    if let Some(draft) = &extras.draft {
        w.str(&serde_json::to_string(draft).unwrap_or_else(|_| "{}".into()));
    }
    if let Some(last) = &conv.last_msg {
        w.str(last.text());
    }
    if let Some(name) = &extras.show_name {
        w.str(name);
    }
    if let Some(url) = &extras.face_url {
        w.str(url);
    }
    w.0
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err("record is truncated".into());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().map_err(|_| "bad integer")?))
    }
    fn str(&mut self) -> Result<&'a str, String> {
        let len = u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| "bad length")?) as usize;
        std::str::from_utf8(self.take(len)?).map_err(|_| "string is not UTF-8".into())
    }
    fn pos(&mut self) -> Result<Option<MsgPos>, String> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(MsgPos { time: self.u64()?, uid: self.u64()? }),
        })
    }
    fn count(&mut self) -> Result<usize, String> {
        let n = self.u64()?;
        // Every element takes at least 4 bytes: a larger count is corruption, not a huge list.
        if n > (self.bytes.len() / 4 + 1) as u64 {
            return Err("count exceeds the record".into());
        }
        Ok(n as usize)
    }
}

/// Decodes a conversation record (binary, or the older JSON form).
pub fn decode(bytes: &[u8]) -> Result<Conversation, String> {
    match bytes.first() {
        Some(b'{') => return serde_json::from_slice(bytes).map_err(|e| e.to_string()),
        Some(&VERSION) => {}
        Some(v) => return Err(format!("unknown record version {v}")),
        None => return Err("empty record".into()),
    }
    let mut r = Reader { bytes: &bytes[1..] };
    let conv_type = ConvType::from_value(r.u8()?.into()).map_err(|e| e.to_string())?;
    let key = crate::ids::ConvKey::existing(conv_type, r.str()?).map_err(|e| e.to_string())?;
    let mut conv = Conversation::new(&key, r.u64()?);
    let flags = r.u8()?;
    conv.pinned = flags & PINNED != 0;
    conv.hidden = flags & HIDDEN != 0;
    conv.recv_opt = ReceiveMessageOpt::from_value(r.u8()?.into()).map_err(|e| e.to_string())?;
    conv.unread = r.u64()?;
    conv.set_last_pos(r.pos()?);
    conv.set_newest(r.pos()?);
    conv.set_read_mark(r.pos()?);
    conv.read_seq = r.u64()?;
    conv.max_seq = r.u64()?;
    let mut extras = ConvExtras::default();
    for _ in 0..r.count()? {
        let seq = r.u64()?;
        let at_type = GroupAtType::from_value(r.u8()?.into()).map_err(|e| e.to_string())?;
        extras
            .group_at
            .push(GroupAtInfo { conv_group_at_info_seq: seq, conv_group_at_info_at_type: at_type });
    }
    extras.marks = r.u64()?;
    extras.custom_data = r.str()?.to_owned();
    for _ in 0..r.count()? {
        extras.groups.push(r.str()?.to_owned());
    }
    if flags & DRAFT != 0 {
        let draft: Draft = serde_json::from_str(r.str()?).map_err(|e| e.to_string())?;
        extras.draft = Some(Box::new(draft));
    }
    if flags & LAST_MSG != 0 {
        conv.last_msg = Some(serde_json::from_str::<MessageJson>(r.str()?).map_err(|e| e.to_string())?);
    }
    if flags & SHOW_NAME != 0 {
        extras.show_name = Some(r.str()?.to_owned());
    }
    if flags & FACE_URL != 0 {
        extras.face_url = Some(r.str()?.to_owned());
    }
    if !r.bytes.is_empty() {
        return Err("trailing bytes after the record".into());
    }
    conv.set_extras(extras);
    Ok(conv)
}

#[cfg(test)]
mod tests {
    use tim_types::{Elem, Message};

    use super::*;
    use crate::ids::ConvKey;

    fn rich() -> Conversation {
        let mut conv = Conversation::new(&ConvKey::group("群 g/1").unwrap(), 42);
        conv.pinned = true;
        conv.recv_opt = ReceiveMessageOpt::NotNotify;
        conv.unread = 7;
        conv.set_last_pos(Some(MsgPos { time: 5, uid: 9 }));
        conv.set_newest(Some(MsgPos { time: 6, uid: 10 }));
        conv.set_read_mark(Some(MsgPos { time: 1, uid: u64::MAX }));
        conv.read_seq = 3;
        conv.max_seq = 11;
        conv.set_marks(0x1 | (1 << 40));
        conv.edit_extras(|x| {
            x.group_at = vec![GroupAtInfo {
                conv_group_at_info_seq: 4,
                conv_group_at_info_at_type: GroupAtType::AtAll,
            }];
            x.custom_data = "x".repeat(256);
            x.groups = vec!["work".into(), "".into()];
            x.show_name = Some("Bob".into());
            x.face_url = Some(String::new());
        });
        let mut msg = Message::from_elems(vec![Elem::text("hi \"there\"")]);
        msg.extra.insert("app".into(), serde_json::json!({"k": [1, 2]}));
        conv.set_draft(Some(Box::new(Draft {
            draft_msg: msg.clone(),
            draft_user_define: "ud".into(),
            draft_edit_time: 8,
        })));
        conv.last_msg = Some(MessageJson::encode(&msg));
        conv
    }

    #[test]
    fn a_record_whose_id_has_a_nul_still_loads() {
        // Builds before IDs were checked for NUL stored such conversations.
        let conv = Conversation::new(&ConvKey::existing(tim_types::ConvType::C2C, "a\0b").unwrap(), 3);
        let back = decode(&encode(&conv)).unwrap();
        assert_eq!(back.key.id(), "a\0b");
    }

    #[test]
    fn records_round_trip() {
        for conv in [rich(), Conversation::new(&ConvKey::c2c("a").unwrap(), 1)] {
            assert_eq!(decode(&encode(&conv)).unwrap(), conv);
        }
    }

    #[test]
    fn the_json_form_still_reads() {
        let conv = rich();
        assert_eq!(decode(&serde_json::to_vec(&conv).unwrap()).unwrap(), conv);
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let bytes = encode(&rich());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(decode(&extra).is_err());
        assert!(decode(&[9, 1, 2]).is_err());
    }
}
