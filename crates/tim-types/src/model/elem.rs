//! Message elements, told apart by their numeric `elem_type`.
//!
//! serde's tagged enums need string tags, so [`Elem`] converts by hand: it reads `elem_type`,
//! checks it is a known `TIMElemType`, then parses the rest of the object into the struct of that
//! type. Each struct keeps the keys it does not name in `extra`.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
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
}

fn body<T: Serialize, E: serde::ser::Error>(value: &T) -> Result<Map<String, Value>, E> {
    match serde_json::to_value(value).map_err(E::custom)? {
        Value::Object(map) => Ok(map),
        _ => Err(E::custom("element body is not an object")),
    }
}

fn parse_body<T: DeserializeOwned, E: serde::de::Error>(fields: Map<String, Value>) -> Result<T, E> {
    serde_json::from_value(Value::Object(fields)).map_err(E::custom)
}

impl Serialize for Elem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = match self {
            Elem::Text(e) => body(e)?,
            Elem::Custom(e) => body(e)?,
            Elem::Face(e) => body(e)?,
            Elem::Location(e) => body(e)?,
            Elem::Image(e) => body(e)?,
            Elem::Sound(e) => body(e)?,
            Elem::File(e) => body(e)?,
            Elem::Video(e) => body(e)?,
            Elem::Other { fields, .. } => fields.clone(),
        };
        if fields.contains_key(ELEM_TYPE) {
            return Err(S::Error::custom("element fields repeat elem_type"));
        }
        let mut out = Map::with_capacity(fields.len() + 1);
        out.insert(ELEM_TYPE.to_owned(), Value::from(self.elem_type().value()));
        out.extend(fields);
        out.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Elem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = Map::<String, Value>::deserialize(deserializer)?;
        let raw = fields.remove(ELEM_TYPE).ok_or_else(|| D::Error::missing_field(ELEM_TYPE))?;
        let raw = raw.as_i64().ok_or_else(|| D::Error::custom("elem_type must be an integer"))?;
        let elem_type =
            ElemType::from_value(raw).map_err(|_| D::Error::custom(format!("unknown elem_type {raw}")))?;
        Ok(match elem_type {
            ElemType::Text => Elem::Text(parse_body(fields)?),
            ElemType::Custom => Elem::Custom(parse_body(fields)?),
            ElemType::Face => Elem::Face(parse_body(fields)?),
            ElemType::Location => Elem::Location(parse_body(fields)?),
            ElemType::Image => Elem::Image(parse_body(fields)?),
            ElemType::Sound => Elem::Sound(parse_body(fields)?),
            ElemType::File => Elem::File(parse_body(fields)?),
            ElemType::Video => Elem::Video(parse_body(fields)?),
            ElemType::Invalid => return Err(D::Error::custom("elem_type -1 is not valid")),
            other => Elem::Other { elem_type: other, fields },
        })
    }
}
