//! One conversation's state, as the engine keeps it in memory and in the store.

use serde::{Deserialize, Serialize};
use tim_types::{ConvInfo, ConvType, Draft, GroupAtInfo, MessageJson, ReceiveMessageOpt};

use super::messages::{MsgPos, OptPos};
use crate::ids::ConvKey;

/// Bit 62 of `conv_active_time` marks a pinned conversation, as in Tencent's header examples.
pub const PINNED_BIT: u64 = 1 << 62;

/// Everything the engine knows about one conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FlatConversation", into = "FlatConversation")]
pub struct Conversation {
    /// Type and ID.
    pub key: ConvKey,
    /// The order key: a counter that grows when the conversation becomes active (created, draft
    /// set, a newest message sent or received). Larger sorts first.
    pub order_key: u64,
    /// Pinned conversations sort before all others.
    pub pinned: bool,
    /// The receive option.
    pub recv_opt: ReceiveMessageOpt,
    /// Unread messages: incoming, counting messages positioned after `read_mark`.
    pub unread: u64,
    /// The last message: the newest that is not excluded from being the last message, as the
    /// API reports it (its `message_is_read` follows the read mark), kept as JSON text.
    pub last_msg: Option<MessageJson>,
    /// Position of `last_msg` ([`Self::last_pos`]).
    last_pos: OptPos,
    /// Position of the newest message of any kind ([`Self::newest`]).
    newest: OptPos,
    /// Messages at or before this position are read ([`Self::read_mark`]).
    read_mark: OptPos,
    /// Sequence of the newest read message.
    pub read_seq: u64,
    /// The largest message sequence seen; new messages without one get the next.
    pub max_seq: u64,
    /// Deleted with its messages kept (`TIMConvDeleteConversationList` without clearing): out of
    /// every list and count until a message, a draft or a create brings it back.
    pub hidden: bool,
    /// What few conversations have; `None` while all of it is empty (see [`Self::extras`]).
    extras: Option<Box<ConvExtras>>,
}

/// The fields few conversations ever set, behind one box: inline they cost 136 bytes in every
/// conversation held in memory (W4 in docs/performance.md).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvExtras {
    /// The draft, if any (boxed: a Draft is large inline).
    pub draft: Option<Box<Draft>>,
    /// Mark bits.
    pub marks: u64,
    /// @ reminders.
    pub group_at: Vec<GroupAtInfo>,
    /// Custom data.
    pub custom_data: String,
    /// Conversation groups it belongs to.
    pub groups: Vec<String>,
    /// The name to show, when known (the peer's nickname from a received message).
    pub show_name: Option<String>,
    /// The avatar, when known.
    pub face_url: Option<String>,
}

static NO_EXTRAS: ConvExtras = ConvExtras {
    draft: None,
    marks: 0,
    group_at: Vec::new(),
    custom_data: String::new(),
    groups: Vec::new(),
    show_name: None,
    face_url: None,
};

/// The flat JSON form of a record (written by the first builds; still read), and the serde form
/// of [`Conversation`].
#[derive(Serialize, Deserialize)]
struct FlatConversation {
    /// Type and ID.
    key: ConvKeyRecord,
    /// The order key: a counter that grows when the conversation becomes active (created, draft
    /// set, a newest message sent or received). Larger sorts first.
    order_key: u64,
    /// Pinned conversations sort before all others.
    #[serde(default)]
    pinned: bool,
    /// The draft, if any (boxed: most conversations have none, and a Draft is large inline).
    #[serde(default)]
    draft: Option<Box<Draft>>,
    /// The receive option.
    #[serde(default = "default_recv_opt")]
    recv_opt: ReceiveMessageOpt,
    /// Unread messages: incoming, counting messages positioned after `read_mark`.
    #[serde(default)]
    unread: u64,
    /// The last message: the newest that is not excluded from being the last message, as the
    /// API reports it (its `message_is_read` follows the read mark), kept as JSON text.
    #[serde(default)]
    last_msg: Option<MessageJson>,
    /// Position of `last_msg`.
    #[serde(default)]
    last_pos: Option<MsgPos>,
    /// Position of the newest message of any kind.
    #[serde(default)]
    newest: Option<MsgPos>,
    /// Messages at or before this position are read.
    #[serde(default)]
    read_mark: Option<MsgPos>,
    /// Sequence of the newest read message.
    #[serde(default)]
    read_seq: u64,
    /// The largest message sequence seen; new messages without one get the next.
    #[serde(default)]
    max_seq: u64,
    /// @ reminders.
    #[serde(default)]
    group_at: Vec<GroupAtInfo>,
    /// Mark bits.
    #[serde(default)]
    marks: u64,
    /// Custom data.
    #[serde(default)]
    custom_data: String,
    /// Conversation groups it belongs to.
    #[serde(default)]
    groups: Vec<String>,
    /// Deleted with its messages kept (`TIMConvDeleteConversationList` without clearing): out of
    /// every list and count until a message, a draft or a create brings it back.
    #[serde(default)]
    hidden: bool,
    /// The name to show, when known (the peer's nickname from a received message).
    #[serde(default)]
    show_name: Option<String>,
    /// The avatar, when known.
    #[serde(default)]
    face_url: Option<String>,
}

fn default_recv_opt() -> ReceiveMessageOpt {
    ReceiveMessageOpt::Receive
}

/// The key inside a JSON record (a plain pair).
#[derive(Serialize, Deserialize)]
struct ConvKeyRecord {
    conv_type: ConvType,
    conv_id: String,
}

impl Conversation {
    /// A fresh conversation with the given order key.
    pub fn new(key: &ConvKey, order_key: u64) -> Self {
        Conversation {
            key: key.clone(),
            order_key,
            pinned: false,
            recv_opt: ReceiveMessageOpt::Receive,
            unread: 0,
            last_msg: None,
            last_pos: OptPos::NONE,
            newest: OptPos::NONE,
            read_mark: OptPos::NONE,
            read_seq: 0,
            max_seq: 0,
            hidden: false,
            extras: None,
        }
    }

    /// Position of the last message.
    pub fn last_pos(&self) -> Option<MsgPos> {
        self.last_pos.get()
    }

    /// Sets the position of the last message.
    pub fn set_last_pos(&mut self, pos: Option<MsgPos>) {
        self.last_pos = pos.into();
    }

    /// Position of the newest message of any kind.
    pub fn newest(&self) -> Option<MsgPos> {
        self.newest.get()
    }

    /// Sets the position of the newest message.
    pub fn set_newest(&mut self, pos: Option<MsgPos>) {
        self.newest = pos.into();
    }

    /// Messages at or before this position are read.
    pub fn read_mark(&self) -> Option<MsgPos> {
        self.read_mark.get()
    }

    /// Moves the read mark.
    pub fn set_read_mark(&mut self, pos: Option<MsgPos>) {
        self.read_mark = pos.into();
    }

    /// The draft, if any.
    pub fn draft(&self) -> Option<&Draft> {
        self.extras().draft.as_deref()
    }

    /// Sets or removes the draft.
    pub fn set_draft(&mut self, draft: Option<Box<Draft>>) {
        if draft.is_some() || self.extras.is_some() {
            self.edit_extras(|x| x.draft = draft);
        }
    }

    /// The mark bits.
    pub fn marks(&self) -> u64 {
        self.extras().marks
    }

    /// Sets the mark bits.
    pub fn set_marks(&mut self, marks: u64) {
        if marks != 0 || self.extras.is_some() {
            self.edit_extras(|x| x.marks = marks);
        }
    }

    /// The rarely set fields (empty ones when none is set).
    pub fn extras(&self) -> &ConvExtras {
        self.extras.as_deref().unwrap_or(&NO_EXTRAS)
    }

    /// Changes the rarely set fields; the box goes away again when they are all empty, so that
    /// equal conversations compare equal.
    pub fn edit_extras<R>(&mut self, change: impl FnOnce(&mut ConvExtras) -> R) -> R {
        let mut extras = self.extras.take().unwrap_or_default();
        let result = change(&mut extras);
        self.set_extras(*extras);
        result
    }

    /// Replaces the rarely set fields.
    pub fn set_extras(&mut self, extras: ConvExtras) {
        self.extras = (extras != NO_EXTRAS).then(|| Box::new(extras));
    }

    /// The conversation's key.
    pub fn conv_key(&self) -> ConvKey {
        self.key.clone()
    }

    /// The `conv_active_time` the API reports: the order key, with bit 62 set when pinned.
    pub fn active_time(&self) -> u64 {
        if self.pinned { self.order_key | PINNED_BIT } else { self.order_key }
    }

    /// What this conversation adds to the total unread count: its unread messages when it
    /// receives normally, nothing when muted in any way.
    pub fn unread_contribution(&self) -> u64 {
        if self.recv_opt == ReceiveMessageOpt::Receive && !self.hidden { self.unread } else { 0 }
    }

    /// Whether it is in the marked-or-grouped total that the 1000 limit counts.
    pub fn is_marked_or_grouped(&self) -> bool {
        self.marks() != 0 || !self.extras().groups.is_empty()
    }

    /// The ConvInfo the API reports for this conversation, owned by `owner`.
    pub fn info(&self, owner: &str) -> ConvInfo {
        let last_msg = self.last_msg.clone();
        let extras = self.extras();
        let is_group = self.key.conv_type() == ConvType::Group;
        ConvInfo {
            conv_id: self.key.id().to_string(),
            conv_type: self.key.conv_type(),
            conv_owner: owner.to_owned(),
            conv_unread_num: self.unread,
            conv_active_time: self.active_time(),
            conv_is_has_lastmsg: last_msg.is_some(),
            conv_last_msg: last_msg,
            conv_is_has_draft: extras.draft.is_some(),
            conv_draft: extras.draft.as_deref().cloned(),
            conv_recv_opt: self.recv_opt,
            conv_is_pinned: self.pinned,
            conv_show_name: extras.show_name.clone().unwrap_or_else(|| self.key.id().to_string()),
            conv_group_at_info_array: extras.group_at.clone(),
            conv_mark_array: (0..64).map(|bit| 1u64 << bit).filter(|m| extras.marks & m != 0).collect(),
            conv_custom_data: extras.custom_data.clone(),
            conv_conversation_group_array: extras.groups.clone(),
            conv_face_url: extras.face_url.clone(),
            conv_c2c_read_timestamp: if is_group { 0 } else { self.read_mark().map_or(0, |p| p.time) },
            conv_group_read_sequence: if is_group { self.read_seq } else { 0 },
        }
    }
}

impl TryFrom<FlatConversation> for Conversation {
    type Error = crate::error::CallError;

    fn try_from(f: FlatConversation) -> Result<Self, Self::Error> {
        let mut conv = Conversation {
            key: ConvKey::existing(f.key.conv_type, &f.key.conv_id)?,
            order_key: f.order_key,
            pinned: f.pinned,
            recv_opt: f.recv_opt,
            unread: f.unread,
            last_msg: f.last_msg,
            last_pos: f.last_pos.into(),
            newest: f.newest.into(),
            read_mark: f.read_mark.into(),
            read_seq: f.read_seq,
            max_seq: f.max_seq,
            hidden: f.hidden,
            extras: None,
        };
        conv.set_extras(ConvExtras {
            draft: f.draft,
            marks: f.marks,
            group_at: f.group_at,
            custom_data: f.custom_data,
            groups: f.groups,
            show_name: f.show_name,
            face_url: f.face_url,
        });
        Ok(conv)
    }
}

impl From<Conversation> for FlatConversation {
    fn from(c: Conversation) -> Self {
        let extras = c.extras.map(|x| *x).unwrap_or_default();
        FlatConversation {
            key: ConvKeyRecord { conv_type: c.key.conv_type(), conv_id: c.key.id().to_string() },
            order_key: c.order_key,
            pinned: c.pinned,
            draft: extras.draft,
            recv_opt: c.recv_opt,
            unread: c.unread,
            last_msg: c.last_msg,
            last_pos: c.last_pos.get(),
            newest: c.newest.get(),
            read_mark: c.read_mark.get(),
            read_seq: c.read_seq,
            max_seq: c.max_seq,
            group_at: extras.group_at,
            marks: extras.marks,
            custom_data: extras.custom_data,
            groups: extras.groups,
            hidden: c.hidden,
            show_name: extras.show_name,
            face_url: extras.face_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emptied_extras_go_away_so_equal_conversations_compare_equal() {
        let key = ConvKey::c2c("peer").unwrap();
        let mut conv = Conversation::new(&key, 1);
        conv.edit_extras(|x| x.groups.push("work".into()));
        assert_eq!(conv.extras().groups, ["work"]);
        assert_ne!(conv, Conversation::new(&key, 1));
        conv.edit_extras(|x| x.groups.clear());
        assert_eq!(conv, Conversation::new(&key, 1));
        assert!(conv.extras.is_none());
        conv.set_draft(Some(Box::new(Draft {
            draft_msg: tim_types::Message::from_elems(Vec::new()),
            draft_user_define: String::new(),
            draft_edit_time: 1,
        })));
        conv.set_marks(4);
        assert_eq!((conv.draft().is_some(), conv.marks()), (true, 4));
        conv.set_draft(None);
        conv.set_marks(0);
        assert!(conv.extras.is_none(), "a draft and marks removed leave no box behind");
    }

    #[test]
    fn a_conversation_in_memory_stays_small() {
        // Every conversation of a user is held in memory (W4 in docs/performance.md): this is
        // its fixed part, beyond its last message's JSON.
        assert!(std::mem::size_of::<Conversation>() <= 136, "{}", std::mem::size_of::<Conversation>());
    }
}
