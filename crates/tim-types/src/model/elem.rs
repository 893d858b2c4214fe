//! Message elements, told apart by their numeric `elem_type`.
//!
//! serde's tagged enums need string tags, so [`Elem`] converts by hand: it reads `elem_type`,
//! checks it is a known `TIMElemType`, then parses the rest of the object into the struct of that
//! type, without an intermediate map of the object. Each struct keeps the keys it does not name in
//! `extra`.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, Error as _, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{Error as _, SerializeMap};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::enums::ElemType;
use crate::keys::ELEM_TYPE;

macro_rules! elem_struct {
    (
        $(#[$meta:meta])* $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Keys this model does not name, kept as given.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl $name {
            /// The keys this model names.
            const FIELD_KEYS: &'static [&'static str] = &[$( stringify!($field) ),*];

            /// Writes the keys after `elem_type`: the named ones set, in declaration order, then
            /// the others (see [`write_extra`] for a named key that `extra` repeats).
            fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                $(
                    if let Some(value) = &self.$field {
                        match repeated(&self.extra, stringify!($field)) {
                            Some(over) => map.serialize_entry(stringify!($field), over)?,
                            None => map.serialize_entry(stringify!($field), value)?,
                        }
                    }
                )*
                write_extra(&self.extra, map, |key| match key {
                    $( stringify!($field) => self.$field.is_some(), )*
                    _ => false,
                })
            }
        }
    };
}

/// A text element (`kTIMElem_Text`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TextElem {
    /// The text.
    pub text_elem_content: String,
    /// Keys this model does not name, kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

elem_struct! {
    /// A custom element (`kTIMElem_Custom`).
    CustomElem {
        /// The data.
        custom_elem_data: String,
        /// The description.
        custom_elem_desc: String,
        /// The extension.
        custom_elem_ext: String,
        /// The sound.
        custom_elem_sound: String,
    }
}

elem_struct! {
    /// A face element (`kTIMElem_Face`).
    FaceElem {
        /// The face index.
        face_elem_index: i64,
        /// Extra data.
        face_elem_buf: String,
    }
}

elem_struct! {
    /// A location element (`kTIMElem_Location`).
    LocationElem {
        /// The description.
        location_elem_desc: String,
        /// Longitude.
        location_elem_longitude: f64,
        /// Latitude.
        location_elem_latitude: f64,
    }
}

elem_struct! {
    /// An image element (`kTIMElem_Image`).
    ImageElem {
        /// Path of the original image.
        image_elem_orig_path: String,
        /// Compression level.
        image_elem_level: u32,
    }
}

elem_struct! {
    /// A sound element (`kTIMElem_Sound`).
    SoundElem {
        /// Local path.
        sound_elem_file_path: String,
        /// Size in bytes.
        sound_elem_file_size: u64,
        /// Duration in seconds.
        sound_elem_file_time: u64,
    }
}

elem_struct! {
    /// A file element (`kTIMElem_File`).
    FileElem {
        /// Local path.
        file_elem_file_path: String,
        /// File name.
        file_elem_file_name: String,
        /// Size in bytes.
        file_elem_file_size: u64,
    }
}

elem_struct! {
    /// A video element (`kTIMElem_Video`).
    VideoElem {
        /// Video type, e.g. "mp4".
        video_elem_video_type: String,
        /// Video size in bytes.
        video_elem_video_size: u64,
        /// Video duration in seconds.
        video_elem_video_duration: u64,
        /// Local path of the video.
        video_elem_video_path: String,
        /// Snapshot type.
        video_elem_image_type: String,
        /// Snapshot size in bytes.
        video_elem_image_size: u64,
        /// Snapshot width.
        video_elem_image_width: u32,
        /// Snapshot height.
        video_elem_image_height: u32,
        /// Local path of the snapshot.
        video_elem_image_path: String,
    }
}

/// One element of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    /// Text.
    Text(TextElem),
    /// Custom data.
    Custom(CustomElem),
    /// Face.
    Face(FaceElem),
    /// Location.
    Location(LocationElem),
    /// Image.
    Image(ImageElem),
    /// Sound.
    Sound(SoundElem),
    /// File.
    File(FileElem),
    /// Video.
    Video(VideoElem),
    /// An element type that is valid but not modelled (group tips, merged messages, ...):
    /// its keys are kept as given.
    Other {
        /// The element type.
        elem_type: ElemType,
        /// Every key but `elem_type`.
        fields: Map<String, Value>,
    },
}

impl Elem {
    /// A text element.
    pub fn text(content: impl Into<String>) -> Self {
        Elem::Text(TextElem { text_elem_content: content.into(), extra: Map::new() })
    }

    /// The element's type.
    pub fn elem_type(&self) -> ElemType {
        match self {
            Elem::Text(_) => ElemType::Text,
            Elem::Custom(_) => ElemType::Custom,
            Elem::Face(_) => ElemType::Face,
            Elem::Location(_) => ElemType::Location,
            Elem::Image(_) => ElemType::Image,
            Elem::Sound(_) => ElemType::Sound,
            Elem::File(_) => ElemType::File,
            Elem::Video(_) => ElemType::Video,
            Elem::Other { elem_type, .. } => *elem_type,
        }
    }

    /// Whether the keys the model does not name hold `elem_type`, which is written from the
    /// variant: such an element cannot be written (its serializer refuses it). JSON parsing
    /// never makes one; a Rust caller filling `extra` can.
    pub fn extra_repeats_elem_type(&self) -> bool {
        self.extra().contains_key(ELEM_TYPE)
    }

    /// Why the element could be written but not read back as it is, if so (only a Rust caller
    /// building one can make such an element; JSON parsing never does): `extra` holding a key
    /// the model names (`extra`'s value, of any type, is what gets written), an `Other` of a
    /// type that has a model (it would be read back as that model) or of `Invalid`, or a
    /// location that is not a finite number (JSON writes it as `null`).
    pub fn unreadable_when_written(&self) -> Option<String> {
        if self.extra_repeats_elem_type() {
            return Some("extra repeats elem_type".into());
        }
        let named: &[&str] = match self {
            Elem::Text(_) => TextElem::FIELD_KEYS,
            Elem::Custom(_) => CustomElem::FIELD_KEYS,
            Elem::Face(_) => FaceElem::FIELD_KEYS,
            Elem::Location(_) => LocationElem::FIELD_KEYS,
            Elem::Image(_) => ImageElem::FIELD_KEYS,
            Elem::Sound(_) => SoundElem::FIELD_KEYS,
            Elem::File(_) => FileElem::FIELD_KEYS,
            Elem::Video(_) => VideoElem::FIELD_KEYS,
            Elem::Other { elem_type, .. } => {
                if has_a_model(*elem_type) || *elem_type == ElemType::Invalid {
                    return Some(format!("elem_type {} cannot be an unmodelled element", elem_type.value()));
                }
                &[]
            }
        };
        if let Some(key) = self.extra().keys().find(|key| named.contains(&key.as_str())) {
            return Some(format!("extra repeats the field {key}"));
        }
        if let Elem::Location(location) = self {
            let coordinates = [location.location_elem_longitude, location.location_elem_latitude];
            if coordinates.into_iter().flatten().any(|c| !c.is_finite()) {
                return Some("a location coordinate is not a finite number".into());
            }
        }
        None
    }
}

/// Whether elements of this type have a model of their own (text, custom, face, ...), which a
/// parse always makes of them.
fn has_a_model(elem_type: ElemType) -> bool {
    matches!(
        elem_type,
        ElemType::Text
            | ElemType::Custom
            | ElemType::Face
            | ElemType::Location
            | ElemType::Image
            | ElemType::Sound
            | ElemType::File
            | ElemType::Video
    )
}

impl Elem {
    /// The keys the element's model does not name.
    fn extra(&self) -> &Map<String, Value> {
        match self {
            Elem::Text(e) => &e.extra,
            Elem::Custom(e) => &e.extra,
            Elem::Face(e) => &e.extra,
            Elem::Location(e) => &e.extra,
            Elem::Image(e) => &e.extra,
            Elem::Sound(e) => &e.extra,
            Elem::File(e) => &e.extra,
            Elem::Video(e) => &e.extra,
            Elem::Other { fields, .. } => fields,
        }
    }
}

impl Serialize for Elem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written straight to the serializer, `elem_type` first: this runs for every message
        // stored, listed or reported (it went through a `serde_json::Map` until the C ABI's W1
        // profile showed it, docs/performance.md).
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(ELEM_TYPE, &self.elem_type().value())?;
        match self {
            Elem::Text(e) => e.write_fields(&mut map)?,
            Elem::Custom(e) => e.write_fields(&mut map)?,
            Elem::Face(e) => e.write_fields(&mut map)?,
            Elem::Location(e) => e.write_fields(&mut map)?,
            Elem::Image(e) => e.write_fields(&mut map)?,
            Elem::Sound(e) => e.write_fields(&mut map)?,
            Elem::File(e) => e.write_fields(&mut map)?,
            Elem::Video(e) => e.write_fields(&mut map)?,
            Elem::Other { fields, .. } => write_extra(fields, &mut map, |_| false)?,
        }
        map.end()
    }
}

/// The value `extra` holds for a named key (only a struct built in Rust has one: a parsed one
/// never does), which is written instead of the named field's.
fn repeated<'a>(extra: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if extra.is_empty() { None } else { extra.get(key) }
}

/// Writes the keys an element struct does not name, after its named ones. A key `written`
/// already (a named one that `extra` repeats) is left out: the element comes out as it did
/// through a `serde_json::Map`, one key with `extra`'s value, never a key twice, which the
/// element could not be read back from. `elem_type` among them is refused: it is written from
/// the variant.
fn write_extra<M: SerializeMap>(
    extra: &Map<String, Value>,
    map: &mut M,
    written: impl Fn(&str) -> bool,
) -> Result<(), M::Error> {
    if extra.contains_key(ELEM_TYPE) {
        return Err(M::Error::custom("element fields repeat elem_type"));
    }
    extra.iter().filter(|(key, _)| !written(key)).try_for_each(|(key, value)| map.serialize_entry(key, value))
}

impl TextElem {
    /// The keys this model names.
    const FIELD_KEYS: &'static [&'static str] = &["text_elem_content"];

    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        const CONTENT: &str = "text_elem_content";
        match repeated(&self.extra, CONTENT) {
            Some(over) => map.serialize_entry(CONTENT, over)?,
            None => map.serialize_entry(CONTENT, &self.text_elem_content)?,
        }
        write_extra(&self.extra, map, |key| key == CONTENT)
    }
}

impl<'de> Deserialize<'de> for Elem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ElemVisitor)
    }
}

/// Reads an element object up to its `elem_type`, then the rest of it straight into the struct of
/// that type: no intermediate `serde_json::Map` of the whole object (which cost as much as the
/// rest of parsing a message).
struct ElemVisitor;

impl<'de> Visitor<'de> for ElemVisitor {
    type Value = Elem;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a message element object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Elem, A::Error> {
        // `elem_type` usually comes first; keys before it are kept as JSON values and given to
        // the struct ahead of the ones after it.
        let mut before = Vec::new();
        let raw = loop {
            let Some(key) = map.next_key::<String>()? else {
                return Err(A::Error::missing_field(ELEM_TYPE));
            };
            let value = map.next_value::<Value>()?;
            if key == ELEM_TYPE {
                break value;
            }
            before.push((key, value));
        };
        let raw = raw.as_i64().ok_or_else(|| A::Error::custom("elem_type must be an integer"))?;
        let elem_type =
            ElemType::from_value(raw).map_err(|_| A::Error::custom(format!("unknown elem_type {raw}")))?;
        let rest = MapAccessDeserializer::new(Rest { before: before.into_iter(), value: None, after: map });
        let elem = match elem_type {
            ElemType::Text => Elem::Text(TextElem::deserialize(rest)?),
            ElemType::Custom => Elem::Custom(CustomElem::deserialize(rest)?),
            ElemType::Face => Elem::Face(FaceElem::deserialize(rest)?),
            ElemType::Location => Elem::Location(LocationElem::deserialize(rest)?),
            ElemType::Image => Elem::Image(ImageElem::deserialize(rest)?),
            ElemType::Sound => Elem::Sound(SoundElem::deserialize(rest)?),
            ElemType::File => Elem::File(FileElem::deserialize(rest)?),
            ElemType::Video => Elem::Video(VideoElem::deserialize(rest)?),
            ElemType::Invalid => return Err(A::Error::custom("elem_type -1 is not valid")),
            other => Elem::Other { elem_type: other, fields: Map::deserialize(rest)? },
        };
        if elem.extra().contains_key(ELEM_TYPE) {
            return Err(A::Error::duplicate_field(ELEM_TYPE));
        }
        Ok(elem)
    }
}

/// The rest of an element object once its `elem_type` is read: the entries read before it, then
/// the ones after it, still unread.
struct Rest<A> {
    before: std::vec::IntoIter<(String, Value)>,
    /// The value of the entry of `before` whose key was just given.
    value: Option<Value>,
    after: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Rest<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.before.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(IntoDeserializer::<'de, A::Error>::into_deserializer(key)).map(Some)
            }
            None => self.after.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value).map_err(A::Error::custom),
            None => self.after.next_value_seed(seed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every element type, with unnamed keys, as written: `elem_type` first, the named keys in
    /// declaration order, then the unnamed ones in their given order. (The `Map`-based
    /// conversion before this one moved an element's last key into the place of `elem_type`.)
    const WRITTEN: &[&str] = &[
        r#"{"elem_type":0,"text_elem_content":"hi","z_app":[1,{"a":null}]}"#,
        r#"{"elem_type":1,"image_elem_orig_path":"/p.png","image_elem_level":2,"z_app":true}"#,
        r#"{"elem_type":2,"sound_elem_file_path":"/s","sound_elem_file_size":10,"sound_elem_file_time":3}"#,
        r#"{"elem_type":3,"custom_elem_data":"d","custom_elem_sound":"s","z_app":"x"}"#,
        r#"{"elem_type":4,"file_elem_file_name":"f.txt","file_elem_file_size":0}"#,
        r#"{"elem_type":5,"group_tips_elem_tip_type":1,"z_app":{"k":"v"}}"#,
        r#"{"elem_type":6,"face_elem_index":-4,"face_elem_buf":"b"}"#,
        r#"{"elem_type":7,"location_elem_desc":"here","location_elem_longitude":1.5,"location_elem_latitude":-2.25}"#,
        r#"{"elem_type":9,"video_elem_video_type":"mp4","video_elem_image_height":720}"#,
        r#"{"elem_type":12,"merge_elem_title":"t","merge_elem_message_array":[]}"#,
    ];

    #[test]
    fn every_element_type_reads_and_writes_back_the_same_json() {
        for text in WRITTEN {
            let elem: Elem = serde_json::from_str(text).unwrap();
            assert_eq!(&serde_json::to_string(&elem).unwrap(), text);
            // From a `Value` (the two-step parse of a parameter) to the same element.
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::from_value::<Elem>(value).unwrap(), elem, "{text}");
        }
    }

    #[test]
    fn elem_type_may_come_anywhere_in_the_object() {
        let elem: Elem =
            serde_json::from_str(r#"{"z_app":1,"text_elem_content":"hi","elem_type":0,"y_app":2}"#).unwrap();
        let Elem::Text(text) = &elem else { panic!("{elem:?}") };
        assert_eq!(text.text_elem_content, "hi");
        assert_eq!(serde_json::to_string(&text.extra).unwrap(), r#"{"z_app":1,"y_app":2}"#);
        assert_eq!(
            serde_json::to_string(&elem).unwrap(),
            r#"{"elem_type":0,"text_elem_content":"hi","z_app":1,"y_app":2}"#
        );
        let other: Elem = serde_json::from_str(r#"{"b":1,"elem_type":5,"a":2}"#).unwrap();
        assert_eq!(serde_json::to_string(&other).unwrap(), r#"{"elem_type":5,"b":1,"a":2}"#);
    }

    #[test]
    fn bad_elements_are_refused() {
        let refused = |text: &str| serde_json::from_str::<Elem>(text).unwrap_err().to_string();
        assert!(refused(r#"{"text_elem_content":"hi"}"#).contains("missing field `elem_type`"));
        assert!(refused(r#"{"elem_type":"0","text_elem_content":"hi"}"#).contains("must be an integer"));
        assert!(refused(r#"{"elem_type":99}"#).contains("unknown elem_type 99"));
        assert!(refused(r#"{"elem_type":-1}"#).contains("-1 is not valid"));
        assert!(refused(r#"{"elem_type":0}"#).contains("text_elem_content"));
        assert!(refused(r#"{"elem_type":0,"text_elem_content":7}"#).contains("invalid type"));
        // Refused by a direct parse (the store never writes a key twice: see the test above); a
        // C parameter that does is parsed again through a `Value`, where the last one wins
        // (`parse`'s tests).
        assert!(refused(r#"{"elem_type":0,"text_elem_content":"a","elem_type":0}"#).contains("duplicate"));
        assert!(refused(r#"{"elem_type":5,"elem_type":5}"#).contains("duplicate"));
        assert!(refused(r#"[0,"hi"]"#).contains("invalid type"));
    }

    #[test]
    fn a_named_key_that_extra_repeats_is_written_once_with_the_value_of_extra() {
        // Only an element built in Rust can hold one; it comes out as it did through a Map.
        let mut custom = CustomElem { custom_elem_data: Some("a".into()), ..Default::default() };
        custom.extra.insert("z_app".into(), Value::from(1));
        custom.extra.insert("custom_elem_data".into(), Value::from("b"));
        custom.extra.insert("custom_elem_desc".into(), Value::from("d"));
        let text = serde_json::to_string(&Elem::Custom(custom)).unwrap();
        assert_eq!(text, r#"{"elem_type":3,"custom_elem_data":"b","z_app":1,"custom_elem_desc":"d"}"#);
        let mut plain = TextElem { text_elem_content: "a".into(), extra: Map::new() };
        plain.extra.insert("text_elem_content".into(), Value::from("b"));
        let text = serde_json::to_string(&Elem::Text(plain)).unwrap();
        assert_eq!(text, r#"{"elem_type":0,"text_elem_content":"b"}"#);
        assert_eq!(serde_json::from_str::<Elem>(&text).unwrap(), Elem::text("b"), "read back");
    }

    #[test]
    fn an_element_whose_fields_repeat_elem_type_is_not_written() {
        let mut text = TextElem { text_elem_content: "hi".into(), extra: Map::new() };
        text.extra.insert(ELEM_TYPE.into(), Value::from(3));
        assert!(serde_json::to_string(&Elem::Text(text)).is_err());
    }
}
