//! How messages change a conversation: pure functions over [`Conversation`], used by the store
//! inside the same redb transaction that writes the messages, so a conversation's last message,
//! unread count, @ reminders and order can never disagree with its stored messages.
//!
//! Unread rule: a message *counts* when it is not from the logged-in user, not
//! `message_is_excluded_from_unread_count` and not delivered already read. The unread count is
//! the number of counting messages positioned after the conversation's read mark. Every change
//! below keeps that equality, and `tim doctor` checks it against the stored messages.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tim_types::keys::{self, MESSAGE_AT_ALL};
use tim_types::{ConvType, GroupAtInfo, GroupAtType, Message, MessageJson, MsgStatus};

use super::Conversation;
use crate::ids::ConvKey;

/// Where a message sits in its conversation: its time, then a per-user counter that breaks ties
/// and makes every position unique. History is ordered by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MsgPos {
    /// UTC seconds (the server time of the message).
    pub time: u64,
    /// A counter unique per user store.
    pub uid: u64,
}

impl MsgPos {
    /// Before every message.
    pub const MIN: MsgPos = MsgPos { time: 0, uid: 0 };
    /// After every message.
    pub const MAX: MsgPos = MsgPos { time: u64::MAX, uid: u64::MAX };
}

/// An optional [`MsgPos`] in 16 bytes instead of 24 (a conversation holds three: W4 memory).
/// [`MsgPos::MIN`] stands for none: no message has it (uids start at 1), and as a read mark it
/// means what none means, that nothing is read. It orders like `Option<MsgPos>`: none first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptPos(MsgPos);

impl OptPos {
    /// No position.
    pub const NONE: OptPos = OptPos(MsgPos::MIN);

    /// The position, if any.
    pub fn get(self) -> Option<MsgPos> {
        (self != Self::NONE).then_some(self.0)
    }
}

impl From<Option<MsgPos>> for OptPos {
    fn from(pos: Option<MsgPos>) -> Self {
        // Would read back as none: no position the engine makes is MIN (uids start at 1; a read
        // up to a time takes the last uid given, and up to time 0 reads nothing); one that were
        // would lose its meaning here.
        debug_assert_ne!(pos, Some(MsgPos::MIN), "MsgPos::MIN stands for none");
        OptPos(pos.unwrap_or(MsgPos::MIN))
    }
}

/// How a message entered the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Sent by the logged-in user (`TIMMsgSendMessage`).
    Sent,
    /// Saved locally (`TIMMsgSaveMsg`).
    Saved,
    /// Imported (`TIMMsgImportMsgList`).
    Imported,
    /// Received from another user through a transport.
    Received,
}

/// A stored message with what the engine needs to reason about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Its position.
    pub pos: MsgPos,
    /// Whether it counts as unread while after the read mark.
    pub counts_unread: bool,
    /// The message, every ID, time and sequence filled in.
    pub msg: Message,
}

impl MessageRecord {
    /// The message ID (always present in a record).
    pub fn msg_id(&self) -> &str {
        self.msg.message_msg_id.as_deref().unwrap_or_default()
    }

    /// The sequence (always present in a record).
    pub fn seq(&self) -> u64 {
        self.msg.message_seq.unwrap_or_default()
    }

    /// Whether it may stand as the conversation's last message.
    pub fn can_be_last(&self) -> bool {
        self.msg.message_excluded_from_last_message != Some(true)
    }

    /// The message as the API reports it to its owner.
    pub fn present(&self, read_mark: Option<MsgPos>) -> Message {
        let mut msg = self.msg.clone();
        present_is_read(&mut msg, self.pos, read_mark);
        msg
    }

    /// Whether the read mark changes how the message is reported.
    fn read_by(&self, read_mark: Option<MsgPos>) -> bool {
        self.msg.message_is_from_self != Some(true)
            && self.msg.message_is_read != Some(true)
            && Some(self.pos) <= read_mark
    }

    /// The message as the API reports it, as JSON text; `encoded` is its stored form's text when
    /// the caller has it already (the usual case: it equals the reported form).
    pub fn present_json(&self, read_mark: Option<MsgPos>, encoded: Option<&MessageJson>) -> MessageJson {
        match encoded {
            Some(text) if !self.read_by(read_mark) => text.clone(),
            _ => MessageJson::encode(&self.present(read_mark)),
        }
    }

    /// As [`Self::present_json`], taking the stored form's text: usually it becomes the reported
    /// one as it is, without a copy.
    pub fn present_json_from(&self, read_mark: Option<MsgPos>, encoded: MessageJson) -> MessageJson {
        if self.read_by(read_mark) { MessageJson::encode(&self.present(read_mark)) } else { encoded }
    }
}

/// Sets `message_is_read` of an incoming message that the read mark has passed.
pub fn present_is_read(msg: &mut Message, pos: MsgPos, read_mark: Option<MsgPos>) {
    if msg.message_is_from_self != Some(true) && Some(pos) <= read_mark {
        msg.message_is_read = Some(true);
    }
}

/// What the store knows when it files a new message.
pub struct Filing<'a> {
    /// The logged-in user.
    pub self_id: &'a str,
    /// Now, UTC seconds.
    pub now: u64,
    /// The position counter value for this message.
    pub uid: u64,
}

/// Fills in a message entering `conv` (its IDs, times, sequence, sender and status) and decides
/// whether it counts as unread.
pub fn file_message(
    mut msg: Message,
    origin: Origin,
    key: &ConvKey,
    conv: &Conversation,
    f: &Filing,
) -> MessageRecord {
    msg.message_conv_id = Some(key.id().to_string());
    msg.message_conv_type = Some(key.conv_type());
    let sender = match origin {
        Origin::Sent => f.self_id.to_owned(),
        // Empty as absent (an app filling every field of its message sends ""), as the check
        // of the call took it: an ID is never empty.
        _ => msg.message_sender.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| f.self_id.to_owned()),
    };
    let from_self = sender == f.self_id;
    msg.message_sender = Some(sender);
    msg.message_is_from_self = Some(from_self);
    // Zero means "not set": apps filling every field of a JSON message send 0 for these.
    let given_time = |t: Option<u64>| t.filter(|&t| t > 0);
    // A message sent now, or arriving now without a time, is the newest of its conversation,
    // even when this device's clock is behind the server time of one it holds (else, once that
    // one is read, it would fall before the read mark and never count). One arriving is also
    // after what was read: the read mark outlives the messages it was set by (a delete, a
    // clear), and one of them may have been later than this clock.
    let now_or_newest = f.now.max(conv.newest().map_or(0, |newest| newest.time));
    let given = given_time(msg.message_server_time).or(given_time(msg.message_client_time));
    let server_time = match (origin, given) {
        (Origin::Sent, _) => now_or_newest,
        (Origin::Received, None) => now_or_newest.max(conv.read_mark().map_or(0, |mark| mark.time)),
        (_, given) => given.unwrap_or(f.now),
    };
    msg.message_server_time = Some(server_time);
    // The client time is the sending device's clock: for a message sent here, this device's,
    // even when the server time had to follow a newer message's.
    let client_default = if origin == Origin::Sent { f.now } else { server_time };
    msg.message_client_time = Some(given_time(msg.message_client_time).unwrap_or(client_default));
    // Saturating: a caller may give any sequence, u64::MAX too; the next is then shared.
    let given_seq = msg.message_seq.filter(|&seq| seq > 0);
    msg.message_seq = Some(given_seq.unwrap_or(conv.max_seq.saturating_add(1)));
    if msg.message_msg_id.as_deref().is_none_or(str::is_empty) {
        msg.message_msg_id = Some(format!(
            "{:x}-{}-{:x}",
            f.uid,
            server_time,
            f.uid.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32
        ));
    }
    msg.message_rand = Some(msg.message_rand.unwrap_or(f.uid.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32));
    msg.message_unique_id = Some(f.uid);
    msg.message_status = Some(match origin {
        Origin::Sent | Origin::Received => MsgStatus::SendSucc,
        Origin::Saved => msg.message_status.unwrap_or(MsgStatus::SendSucc),
        Origin::Imported => msg.message_status.unwrap_or(MsgStatus::LocalImported),
    });
    // Sent, saved and imported messages are history, read whoever sent them; a received one is
    // read if it was delivered read.
    // A group message whose given sequence the reported read sequence covers arrives read, though
    // it arrives after the read mark (the server numbered it before one already read); one this
    // SDK numbers is new (its sequence may equal the read one only when the largest was taken).
    // Not so for C2C by the read timestamp's second: a message arriving just after a read, in
    // its second, is new to the user and counts.
    let covered = key.conv_type() == ConvType::Group && given_seq.is_some_and(|seq| seq <= conv.read_seq);
    let delivered_read =
        from_self || origin != Origin::Received || msg.message_is_read == Some(true) || covered;
    msg.message_is_read = Some(delivered_read);
    let counts_unread = !delivered_read && msg.message_is_excluded_from_unread_count != Some(true);
    MessageRecord { pos: MsgPos { time: server_time, uid: f.uid }, counts_unread, msg }
}

fn after_read_mark(conv: &Conversation, pos: MsgPos) -> bool {
    Some(pos) > conv.read_mark()
}

/// The value of `kImSDK_MesssageAtALL` in Tencent's headers before 7.0 (three s), which apps and
/// SDKs built against them still send: it means everyone too.
const MESSAGE_AT_ALL_OLD_SPELLING: &str = "__kImSDK_MesssageAtALL__";

/// The kind of @ reminder a group message holds for `self_id`, if any.
pub fn mention(msg: &Message, self_id: &str) -> Option<GroupAtType> {
    let users = msg.message_group_at_user_array.as_ref()?;
    let at_all = users.iter().any(|u| u == MESSAGE_AT_ALL || u == MESSAGE_AT_ALL_OLD_SPELLING);
    let at_me = users.iter().any(|u| u == self_id);
    match (at_all, at_me) {
        (true, true) => Some(GroupAtType::AtAllAtMe),
        (true, false) => Some(GroupAtType::AtAll),
        (false, true) => Some(GroupAtType::AtMe),
        (false, false) => None,
    }
}

/// The @-reminder a message gives the user while it is unread in a group, if it mentions them.
pub fn reminder(rec: &MessageRecord, self_id: &str) -> Option<GroupAtInfo> {
    mention(&rec.msg, self_id)
        .map(|at_type| GroupAtInfo { conv_group_at_info_seq: rec.seq(), conv_group_at_info_at_type: at_type })
}

/// Applies a newly stored message to its conversation. A message newer than all others moves the
/// conversation up (`next_order_key` hands out the new order key).
pub fn apply_insert(conv: &mut Conversation, rec: &MessageRecord, self_id: &str, next_order_key: &mut u64) {
    apply_insert_encoded(conv, rec, None, self_id, next_order_key);
}

/// As [`apply_insert`], given the message's JSON text when the caller encoded it already.
pub fn apply_insert_encoded(
    conv: &mut Conversation,
    rec: &MessageRecord,
    encoded: Option<&MessageJson>,
    self_id: &str,
    next_order_key: &mut u64,
) {
    if apply_insert_but_last_text(conv, rec, self_id, next_order_key) {
        conv.last_msg = Some(rec.present_json(conv.read_mark(), encoded));
    }
}

/// As [`apply_insert`], except that a message that becomes the last message only moves the last
/// position (`true`): the caller sets `last_msg` from it once it has its JSON (a bulk insert
/// encodes messages on another thread; see `store/ops.rs`).
pub fn apply_insert_but_last_text(
    conv: &mut Conversation,
    rec: &MessageRecord,
    self_id: &str,
    next_order_key: &mut u64,
) -> bool {
    if rec.counts_unread && after_read_mark(conv, rec.pos) {
        conv.unread += 1;
        if conv.key.conv_type() == ConvType::Group
            && let Some(at) = reminder(rec, self_id)
        {
            conv.edit_extras(|x| x.group_at.push(at));
        }
    }
    conv.max_seq = conv.max_seq.max(rec.seq());
    if conv.hidden {
        // A message brings a conversation deleted without its messages back, at the top.
        conv.hidden = false;
        conv.order_key = *next_order_key;
        *next_order_key += 1;
    }
    let newest = Some(rec.pos) > conv.newest();
    // The peer as their newest message shows them; an older one (history imported or saved
    // later, carrying what they were called then, or a reply stamped before one of the user's
    // own by a clock behind) only names them while no name is known, so that a conversation
    // shows a name whichever order its messages came in. The friend remark, which the user
    // chose, comes before the nickname (TIM: "C2C: friend remark, else nickname, else userID").
    if conv.key.conv_type() == ConvType::C2C
        && rec.msg.message_is_from_self == Some(false)
        && let Some(profile) = &rec.msg.message_sender_profile
    {
        let text = |key: &str| {
            profile.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_owned)
        };
        let name = text(keys::USER_PROFILE_FRIEND_REMARK).or_else(|| text(keys::USER_PROFILE_NICK_NAME));
        let face = text(keys::USER_PROFILE_FACE_URL);
        let known = conv.extras();
        let name = name.filter(|_| newest || known.show_name.is_none());
        let face = face.filter(|_| newest || known.face_url.is_none());
        if name.is_some() || face.is_some() {
            conv.edit_extras(|x| {
                x.show_name = name.or(x.show_name.take());
                x.face_url = face.or(x.face_url.take());
            });
        }
    }
    if newest {
        conv.set_newest(Some(rec.pos));
        conv.order_key = *next_order_key;
        *next_order_key += 1;
    }
    if rec.can_be_last() && Some(rec.pos) > conv.last_pos() {
        conv.set_last_pos(Some(rec.pos));
        return true;
    }
    false
}

/// Applies the deletion of a stored message. `new_last` is the newest remaining message that may
/// be the last message and `new_newest` the newest remaining position (the store finds them).
pub fn apply_delete(
    conv: &mut Conversation,
    rec: &MessageRecord,
    new_last: Option<&MessageRecord>,
    new_newest: Option<MsgPos>,
    self_id: &str,
) {
    if rec.counts_unread && after_read_mark(conv, rec.pos) {
        conv.unread = conv.unread.saturating_sub(1);
        // Its own reminder only: another unread message may share its sequence.
        if let Some(own) = reminder(rec, self_id).filter(|own| conv.extras().group_at.contains(own)) {
            conv.edit_extras(|x| {
                if let Some(at) = x.group_at.iter().position(|at| *at == own) {
                    x.group_at.remove(at);
                }
            });
        }
    }
    conv.set_newest(new_newest);
    if conv.last_pos() == Some(rec.pos) {
        conv.set_last_pos(new_last.map(|r| r.pos));
        conv.last_msg = new_last.map(|r| r.present_json(conv.read_mark(), None));
    }
}

/// Applies the removal of every message of the conversation; it keeps its place in the list and
/// its read mark (what was read up to then stays read).
pub fn apply_clear(conv: &mut Conversation) {
    conv.unread = 0;
    conv.last_msg = None;
    conv.set_last_pos(None);
    conv.set_newest(None);
    clear_mentions(conv);
}

/// Removes every @ reminder.
fn clear_mentions(conv: &mut Conversation) {
    if !conv.extras().group_at.is_empty() {
        conv.edit_extras(|x| x.group_at.clear());
    }
}

/// Whether marking the conversation read would change anything.
pub fn has_unread_state(conv: &Conversation) -> bool {
    conv.unread > 0
        || !conv.extras().group_at.is_empty()
        || conv.newest() > conv.read_mark()
        // A group read up to its newest message by position may hold a higher sequence (they
        // came out of order): reading the whole group reports the highest.
        || (conv.key.conv_type() == ConvType::Group && conv.read_seq < conv.max_seq)
}

/// Marks every message of the conversation read.
pub fn apply_read_all(conv: &mut Conversation) {
    conv.set_read_mark(conv.read_mark().max(conv.newest()));
    conv.read_seq = conv.read_seq.max(conv.max_seq);
    conv.unread = 0;
    clear_mentions(conv);
    refresh_last_read(conv);
}

/// Re-encodes the last message when the read mark has just passed it (its `message_is_read`).
fn refresh_last_read(conv: &mut Conversation) {
    let (Some(last), Some(pos)) = (&conv.last_msg, conv.last_pos()) else { return };
    if Some(pos) > conv.read_mark() {
        return;
    }
    let mut msg = last.message();
    if msg.message_is_from_self != Some(true) && msg.message_is_read != Some(true) {
        msg.message_is_read = Some(true);
        conv.last_msg = Some(MessageJson::encode(&msg));
    }
}

/// Marks messages up to `mark` read; `unread_after` is the number of counting messages after the
/// new mark, `read_seq` the sequence read up to, and `mentions_after` the @-reminders of the
/// counting messages after the mark (the store finds them): only those stay, one for one, so
/// that reminders and the unread count always speak of the same messages, whatever order
/// sequences came in and however many share one. A mark that does not move still raises the read
/// sequence (a clean up to a sequence whose newest message was read already).
pub fn apply_read_up_to(
    conv: &mut Conversation,
    mark: MsgPos,
    unread_after: u64,
    read_seq: u64,
    mentions_after: &[GroupAtInfo],
) {
    conv.read_seq = conv.read_seq.max(read_seq);
    if Some(mark) <= conv.read_mark() {
        return;
    }
    conv.set_read_mark(Some(mark));
    conv.unread = unread_after;
    if !conv.extras().group_at.is_empty() {
        // Counted by value, not searched for in a list: a search per reminder made marking a
        // group read quadratic in its reminders (0.9 s at 100,000).
        let key = |at: &GroupAtInfo| (at.conv_group_at_info_seq, at.conv_group_at_info_at_type.value());
        let mut left: HashMap<_, usize> = HashMap::with_capacity(mentions_after.len());
        for at in mentions_after {
            *left.entry(key(at)).or_default() += 1;
        }
        conv.edit_extras(|x| {
            x.group_at.retain(|at| match left.get_mut(&key(at)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    true
                }
                _ => false,
            })
        });
    }
    refresh_last_read(conv);
}

#[cfg(test)]
mod tests {
    use tim_types::Elem;

    use super::*;

    fn incoming(sender: &str, time: u64) -> Message {
        let mut msg = Message::from_elems(vec![Elem::text("hi")]);
        msg.message_sender = Some(sender.into());
        msg.message_server_time = Some(time);
        msg
    }

    fn file(
        conv: &mut Conversation,
        msg: Message,
        origin: Origin,
        uid: u64,
        counter: &mut u64,
    ) -> MessageRecord {
        let key = conv.conv_key();
        let rec = file_message(msg, origin, &key, conv, &Filing { self_id: "me", now: 100, uid });
        apply_insert(conv, &rec, "me", counter);
        rec
    }

    #[test]
    fn an_optional_position_orders_and_round_trips_like_an_option() {
        let positions = [
            None,
            Some(MsgPos { time: 0, uid: 1 }),
            Some(MsgPos { time: 0, uid: u64::MAX }),
            Some(MsgPos { time: 5, uid: 0 }),
            Some(MsgPos { time: 5, uid: 9 }),
            Some(MsgPos::MAX),
        ];
        for a in positions {
            assert_eq!(OptPos::from(a).get(), a);
            for b in positions {
                assert_eq!(OptPos::from(a).cmp(&OptPos::from(b)), a.cmp(&b), "{a:?} vs {b:?}");
            }
        }
        assert_eq!(std::mem::size_of::<OptPos>(), 16);
    }
    #[test]
    fn unread_counts_only_incoming_counting_messages() {
        let key = ConvKey::c2c("bob").unwrap();
        let mut conv = Conversation::new(&key, 1);
        let mut counter = 2;
        file(&mut conv, incoming("bob", 10), Origin::Received, 1, &mut counter);
        file(&mut conv, Message::from_elems(vec![Elem::text("mine")]), Origin::Sent, 2, &mut counter);
        let mut excluded = incoming("bob", 11);
        excluded.message_is_excluded_from_unread_count = Some(true);
        file(&mut conv, excluded, Origin::Received, 3, &mut counter);
        let mut read = incoming("bob", 12);
        read.message_is_read = Some(true);
        file(&mut conv, read, Origin::Received, 4, &mut counter);
        assert_eq!(conv.unread, 1);
        assert_eq!(conv.max_seq, 4);
        assert_eq!(conv.order_key, 3, "only the two messages newer than all before moved it up");
        apply_read_all(&mut conv);
        assert_eq!(conv.unread, 0);
        assert!(!has_unread_state(&conv));
    }

    #[test]
    fn last_message_skips_excluded_and_older_messages() {
        let key = ConvKey::c2c("bob").unwrap();
        let mut conv = Conversation::new(&key, 1);
        let mut counter = 2;
        let newest = file(&mut conv, incoming("bob", 50), Origin::Received, 1, &mut counter);
        let mut hidden = incoming("bob", 60);
        hidden.message_excluded_from_last_message = Some(true);
        let hidden = file(&mut conv, hidden, Origin::Received, 2, &mut counter);
        file(&mut conv, incoming("bob", 5), Origin::Imported, 3, &mut counter);
        assert_eq!(conv.last_pos(), Some(newest.pos));
        assert_eq!(conv.newest(), Some(hidden.pos));
        assert_eq!(conv.order_key, 3, "the old import did not move it");
        apply_delete(&mut conv, &newest, None, Some(hidden.pos), "me");
        assert_eq!(conv.last_msg, None);
        assert_eq!(conv.unread, 1, "the hidden one still counts; the import never did");
    }

    #[test]
    fn mentions_fill_and_reading_clears_at_info() {
        let key = ConvKey::group("g").unwrap();
        let mut conv = Conversation::new(&key, 1);
        let mut counter = 2;
        let mut at = incoming("bob", 10);
        at.message_group_at_user_array = Some(vec!["me".into(), MESSAGE_AT_ALL.into()]);
        let rec = file(&mut conv, at, Origin::Received, 1, &mut counter);
        assert_eq!(
            conv.extras().group_at,
            vec![GroupAtInfo {
                conv_group_at_info_seq: rec.seq(),
                conv_group_at_info_at_type: GroupAtType::AtAllAtMe
            }]
        );
        apply_read_up_to(&mut conv, rec.pos, 0, rec.seq(), &[]);
        assert!(conv.extras().group_at.is_empty());
        assert_eq!(conv.info("me").conv_group_read_sequence, 1);
        assert_eq!(rec.present(conv.read_mark()).message_is_read, Some(true));
    }

    #[test]
    fn reading_keeps_one_reminder_per_mention_after_the_mark_in_their_order() {
        let mut conv = Conversation::new(&ConvKey::group("g").unwrap(), 1);
        let at =
            |seq, at_type| GroupAtInfo { conv_group_at_info_seq: seq, conv_group_at_info_at_type: at_type };
        let (me, all) = (GroupAtType::AtMe, GroupAtType::AtAll);
        // Two messages may share a sequence (a group repeating one), so equal reminders repeat.
        conv.edit_extras(|x| x.group_at = vec![at(5, me), at(5, me), at(7, all), at(9, me), at(3, all)]);
        let mark = MsgPos { time: 1, uid: 1 };
        apply_read_up_to(&mut conv, mark, 3, 0, &[at(9, me), at(3, all), at(5, me), at(11, me)]);
        assert_eq!(conv.extras().group_at, vec![at(5, me), at(9, me), at(3, all)]);
    }

    #[test]
    fn the_old_spelling_of_at_all_means_everyone_too() {
        let mut at = incoming("bob", 10);
        at.message_group_at_user_array = Some(vec!["__kImSDK_MesssageAtALL__".into()]);
        assert_eq!(mention(&at, "me"), Some(GroupAtType::AtAll));
        at.message_group_at_user_array = Some(vec!["__kImSDK_MesssageAtALL__".into(), "me".into()]);
        assert_eq!(mention(&at, "me"), Some(GroupAtType::AtAllAtMe));
        at.message_group_at_user_array = Some(vec!["__kImSDK_MessageAtAll__".into()]);
        assert_eq!(mention(&at, "me"), None);
    }
}
