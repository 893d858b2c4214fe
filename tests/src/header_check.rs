//! The header check: the hand-written C headers in `crates/tim-ffi/include/` against the Rust
//! tables of `tim-types` and the `extern "C"` exports of `crates/tim-ffi/src`.
//!
//! Three comparisons, each in both directions:
//!
//! 1. every `static const char* NAME = "VALUE";` in the headers against [`keys::ALL`];
//! 2. every C `enum NAME { ... };` (variant names and values; decimal, negative, hex or octal
//!    literals; implicit values count on from the previous one) against [`enums::ALL`],
//!    including the header file each enum must be declared in;
//! 3. every `TIM_DECL <ret> <Name>(<params>);` prototype against the `#[unsafe(no_mangle)]`
//!    `pub [unsafe] extern "C" fn` items in `crates/tim-ffi/src/**/*.rs` (names, parameter count,
//!    parameter types and return types, with the Rust types mapped to C by [`rust_type_to_c`]).
//!
//! It also checks that a Rust `type TIMXxx = ...;` alias of a C enum name is `c_int`/`i32`, and
//! that a Rust callback alias (`type XxxCallback = Option<unsafe extern "C" fn(...)>`) has the
//! parameter types of the C typedef of the same name.
//!
//! The parsers are small and purpose-built: comments and preprocessor lines are dropped, the rest
//! is tokenised, and the declarations are matched as token sequences, so spacing and line breaks
//! do not matter. [`check_sources`] works on in-memory text (the unit tests feed it wrong
//! snippets); [`check_headers`] reads the workspace and is what `cargo xtask check-header` and
//! the `header` test call.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use tim_types::enums::{self, CEnumDef};
use tim_types::keys::{self, KeyDef};

/// The folder of the C headers, relative to the workspace root.
pub const INCLUDE_DIR: &str = "crates/tim-ffi/include";
/// The folder of the FFI crate's Rust sources, relative to the workspace root.
pub const FFI_SRC_DIR: &str = "crates/tim-ffi/src";
/// The header that declares the functions.
pub const MAIN_HEADER: &str = "TIMCloud.h";

/// A source file: its name (for messages) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file name (headers: the bare name, e.g. `TIMCloudDef.h`; Rust: a relative path).
    pub name: String,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// A source file from a name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into() }
    }
}

/// A `static const char* NAME = "VALUE";` declaration found in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CKey {
    /// The constant's name.
    pub name: String,
    /// The string value.
    pub value: String,
}

/// A C enum found in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CEnum {
    /// The enum tag, e.g. `TIMConvType`.
    pub name: String,
    /// `(variant, value)` in declaration order.
    pub variants: Vec<(String, i64)>,
}

/// A function prototype (C) or export (Rust) in C terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The function name.
    pub name: String,
    /// The return type in normalised C spelling (`void`, `int`, `const char*`, ...).
    pub ret: String,
    /// The parameters: `(name, normalised C type)`; the name may be empty.
    pub params: Vec<(String, String)>,
}

/// A C callback typedef `typedef void (*Name)(params);`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CCallback {
    /// The typedef name.
    pub name: String,
    /// The return type in normalised C spelling.
    pub ret: String,
    /// The normalised C parameter types.
    pub params: Vec<String>,
}

// ------------------------------------------------------------------------------------------------
// C tokeniser
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Num(String),
    Str(String),
    Punct(char),
}

impl Tok {
    fn is_ident(&self, s: &str) -> bool {
        matches!(self, Tok::Ident(i) if i == s)
    }

    fn is_punct(&self, c: char) -> bool {
        matches!(self, Tok::Punct(p) if *p == c)
    }

    fn ident(&self) -> Option<&str> {
        match self {
            Tok::Ident(i) => Some(i),
            _ => None,
        }
    }

    fn spelling(&self) -> String {
        match self {
            Tok::Ident(s) | Tok::Num(s) => s.clone(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Punct(c) => c.to_string(),
        }
    }
}

/// Tokenises C text: drops comments and preprocessor lines, keeps identifiers, numbers, string
/// literals (unescaped) and single-character punctuation.
fn tokenize_c(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut at_line_start = true;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            at_line_start = true;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' && at_line_start {
            // A preprocessor line, with backslash continuations.
            while i < chars.len() && chars[i] != '\n' {
                if chars[i] == '\\' && i + 1 < chars.len() && chars[i + 1] == '\n' {
                    i += 2;
                } else if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    i = skip_block_comment(&chars, i);
                } else {
                    i += 1;
                }
            }
            continue;
        }
        at_line_start = false;
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            i = skip_block_comment(&chars, i);
            continue;
        }
        if c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                    s.push(match chars[i] {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        other => other,
                    });
                } else {
                    s.push(chars[i]);
                }
                i += 1;
            }
            i += 1;
            toks.push(Tok::Str(s));
            continue;
        }
        if c == '\'' {
            // A character literal: keep it as a number-like token.
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            toks.push(Tok::Num(chars[start..i.min(chars.len())].iter().collect()));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Tok::Num(chars[start..i].iter().collect()));
            continue;
        }
        toks.push(Tok::Punct(c));
        i += 1;
    }
    toks
}

fn skip_block_comment(chars: &[char], mut i: usize) -> usize {
    i += 2;
    while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
        i += 1;
    }
    (i + 2).min(chars.len())
}

/// Joins type tokens into the normalised spelling: single spaces between words, `*` attached to
/// what precedes it (`const char *` → `const char*`, `char * const *` → `char* const*`).
fn join_type<S: AsRef<str>>(words: &[S]) -> String {
    let mut out = String::new();
    for w in words {
        let w = w.as_ref();
        if w == "*" {
            out.push('*');
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

/// Normalises a C type written as text (whitespace and `*` spacing).
pub fn normalize_c_type(text: &str) -> String {
    let words: Vec<String> = tokenize_c(text).iter().map(Tok::spelling).collect();
    join_type(&words)
}

// ------------------------------------------------------------------------------------------------
// C parsers
// ------------------------------------------------------------------------------------------------

/// Every `static const char* NAME = "VALUE";` in a header.
pub fn parse_header_keys(text: &str) -> Vec<CKey> {
    let toks = tokenize_c(text);
    let mut keys = Vec::new();
    let mut i = 0;
    while i + 7 < toks.len() {
        let window = &toks[i..i + 8];
        if window[0].is_ident("static")
            && window[1].is_ident("const")
            && window[2].is_ident("char")
            && window[3].is_punct('*')
            && window[5].is_punct('=')
            && window[7].is_punct(';')
            && let (Tok::Ident(name), Tok::Str(value)) = (&window[4], &window[6])
        {
            keys.push(CKey { name: name.clone(), value: value.clone() });
            i += 8;
            continue;
        }
        i += 1;
    }
    keys
}

/// Parses an integer literal as C writes it: decimal, `0x` hex, `0b` binary, leading-zero
/// octal, with optional `u`/`l` suffixes.
fn parse_c_int(lit: &str) -> Option<i64> {
    let lower = lit.to_ascii_lowercase();
    let digits = lower.trim_end_matches(['u', 'l']);
    if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = digits.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()
    } else {
        digits.parse().ok()
    }
}

/// Evaluates an enum value expression: an optionally negated (or parenthesised) integer
/// literal, a previously declared variant, or `a << b` / `a | b` of those.
fn eval_enum_expr(toks: &[Tok], known: &BTreeMap<String, i64>) -> Result<i64, String> {
    fn atom(toks: &[Tok], pos: &mut usize, known: &BTreeMap<String, i64>) -> Result<i64, String> {
        match toks.get(*pos) {
            Some(Tok::Punct('-')) => {
                *pos += 1;
                Ok(-atom(toks, pos, known)?)
            }
            Some(Tok::Punct('+')) => {
                *pos += 1;
                atom(toks, pos, known)
            }
            Some(Tok::Punct('(')) => {
                *pos += 1;
                let v = expr(toks, pos, known)?;
                if !matches!(toks.get(*pos), Some(Tok::Punct(')'))) {
                    return Err("missing `)`".into());
                }
                *pos += 1;
                Ok(v)
            }
            Some(Tok::Num(n)) => {
                *pos += 1;
                parse_c_int(n).ok_or_else(|| format!("bad integer literal `{n}`"))
            }
            Some(Tok::Ident(name)) => {
                *pos += 1;
                known.get(name).copied().ok_or_else(|| format!("unknown name `{name}`"))
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
    fn expr(toks: &[Tok], pos: &mut usize, known: &BTreeMap<String, i64>) -> Result<i64, String> {
        let mut v = atom(toks, pos, known)?;
        loop {
            match (toks.get(*pos), toks.get(*pos + 1)) {
                (Some(Tok::Punct('<')), Some(Tok::Punct('<'))) => {
                    *pos += 2;
                    let r = atom(toks, pos, known)?;
                    v = u32::try_from(r).ok().and_then(|r| v.checked_shl(r)).ok_or("shift out of range")?;
                }
                (Some(Tok::Punct('|')), _) => {
                    *pos += 1;
                    v |= atom(toks, pos, known)?;
                }
                _ => return Ok(v),
            }
        }
    }
    let mut pos = 0;
    let v = expr(toks, &mut pos, known)?;
    if pos != toks.len() {
        return Err(format!(
            "cannot evaluate `{}`",
            toks.iter().map(Tok::spelling).collect::<Vec<_>>().join(" ")
        ));
    }
    Ok(v)
}

/// Every `enum NAME { ... }` definition in a header. Errors name enums whose values cannot be
/// evaluated.
pub fn parse_header_enums(text: &str) -> (Vec<CEnum>, Vec<String>) {
    let toks = tokenize_c(text);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut i = 0;
    while i + 2 < toks.len() {
        if !(toks[i].is_ident("enum") && toks[i + 2].is_punct('{')) {
            i += 1;
            continue;
        }
        let Some(name) = toks[i + 1].ident().map(str::to_owned) else {
            i += 1;
            continue;
        };
        let mut j = i + 3;
        let mut variants = Vec::new();
        let mut known = BTreeMap::new();
        let mut next = 0i64;
        loop {
            match toks.get(j) {
                None => {
                    errors.push(format!("enum {name}: unterminated"));
                    break;
                }
                Some(Tok::Punct('}')) => break,
                Some(Tok::Punct(',')) => j += 1,
                Some(Tok::Ident(variant)) => {
                    let variant = variant.clone();
                    j += 1;
                    let mut value = next;
                    if toks.get(j).is_some_and(|t| t.is_punct('=')) {
                        j += 1;
                        let start = j;
                        let mut depth = 0i32;
                        while let Some(t) = toks.get(j) {
                            match t {
                                Tok::Punct('(') => depth += 1,
                                Tok::Punct(')') => depth -= 1,
                                Tok::Punct(',') | Tok::Punct('}') if depth == 0 => break,
                                _ => {}
                            }
                            j += 1;
                        }
                        match eval_enum_expr(&toks[start..j], &known) {
                            Ok(v) => value = v,
                            Err(e) => errors.push(format!("enum {name}: {variant}: {e}")),
                        }
                    }
                    known.insert(variant.clone(), value);
                    variants.push((variant, value));
                    next = value.wrapping_add(1);
                }
                Some(other) => {
                    errors.push(format!("enum {name}: unexpected `{}`", other.spelling()));
                    j += 1;
                }
            }
        }
        out.push(CEnum { name, variants });
        i = j;
    }
    (out, errors)
}

/// Splits tokens at top-level commas (outside parentheses).
fn split_commas(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (k, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(') | Tok::Punct('[') => depth += 1,
            Tok::Punct(')') | Tok::Punct(']') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                parts.push(&toks[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    if start < toks.len() || !parts.is_empty() {
        parts.push(&toks[start..]);
    }
    parts
}

/// Splits a C parameter declaration into `(name, normalised type)`.
fn c_param(toks: &[Tok]) -> (String, String) {
    let words: Vec<String> = toks.iter().map(Tok::spelling).collect();
    if words.len() >= 2 {
        let prev = words[words.len() - 2].as_str();
        if let Some(name) = toks[toks.len() - 1].ident()
            && !matches!(prev, "enum" | "struct" | "union")
            && !is_c_type_word(name)
        {
            return (name.to_owned(), join_type(&words[..words.len() - 1]));
        }
    }
    (String::new(), join_type(&words))
}

fn is_c_type_word(w: &str) -> bool {
    matches!(
        w,
        "void"
            | "char"
            | "short"
            | "int"
            | "long"
            | "float"
            | "double"
            | "signed"
            | "unsigned"
            | "const"
            | "volatile"
            | "bool"
            | "_Bool"
    )
}

/// C parameters of a parenthesised list (without the parentheses); `(void)` is no parameters.
fn c_params(toks: &[Tok]) -> Vec<(String, String)> {
    if toks.is_empty() || (toks.len() == 1 && toks[0].is_ident("void")) {
        return Vec::new();
    }
    split_commas(toks).into_iter().map(c_param).collect()
}

/// The index of the `)` matching the `(` at `open`.
fn matching_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// Every `TIM_DECL <ret> <Name>(<params>);` prototype in a header (`TIM_API` is accepted too).
pub fn parse_header_prototypes(text: &str) -> (Vec<Signature>, Vec<String>) {
    let toks = tokenize_c(text);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !(toks[i].is_ident("TIM_DECL") || toks[i].is_ident("TIM_API")) {
            i += 1;
            continue;
        }
        let Some(open) = (i + 1..toks.len()).find(|&k| toks[k].is_punct('(')) else {
            break;
        };
        if open < i + 3 {
            errors.push(format!("malformed prototype after TIM_DECL near token {i}"));
            i += 1;
            continue;
        }
        let Some(name) = toks[open - 1].ident().map(str::to_owned) else {
            errors.push(format!("malformed prototype after TIM_DECL near token {i}"));
            i += 1;
            continue;
        };
        let ret_words: Vec<String> = toks[i + 1..open - 1].iter().map(Tok::spelling).collect();
        let Some(close) = matching_paren(&toks, open) else {
            errors.push(format!("{name}: unbalanced parentheses"));
            break;
        };
        if !toks.get(close + 1).is_some_and(|t| t.is_punct(';')) {
            errors.push(format!("{name}: prototype does not end with `;`"));
        }
        out.push(Signature { name, ret: join_type(&ret_words), params: c_params(&toks[open + 1..close]) });
        i = close + 1;
    }
    (out, errors)
}

/// Every `typedef <ret> (*Name)(<params>);` in a header.
pub fn parse_header_callbacks(text: &str) -> Vec<CCallback> {
    let toks = tokenize_c(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].is_ident("typedef") {
            i += 1;
            continue;
        }
        let Some(open) = (i + 1..toks.len()).find(|&k| toks[k].is_punct('(') || toks[k].is_punct(';')) else {
            break;
        };
        if toks[open].is_punct(';')
            || !toks.get(open + 1).is_some_and(|t| t.is_punct('*'))
            || !toks.get(open + 3).is_some_and(|t| t.is_punct(')'))
            || !toks.get(open + 4).is_some_and(|t| t.is_punct('('))
        {
            i = open + 1;
            continue;
        }
        let Some(name) = toks[open + 2].ident().map(str::to_owned) else {
            i = open + 1;
            continue;
        };
        let Some(close) = matching_paren(&toks, open + 4) else {
            break;
        };
        let ret_words: Vec<String> = toks[i + 1..open].iter().map(Tok::spelling).collect();
        out.push(CCallback {
            name,
            ret: join_type(&ret_words),
            params: c_params(&toks[open + 5..close]).into_iter().map(|(_, t)| t).collect(),
        });
        i = close + 1;
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Rust side
// ------------------------------------------------------------------------------------------------

/// Removes Rust comments (line, nested block) and blanks out the contents of string, raw string
/// and character literals, keeping `extern "C"` recognisable.
fn strip_rust(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
            continue;
        }
        // Raw strings: r"..." / r#"..."# / br#"..."#.
        let prev_is_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if !prev_is_ident && (c == 'r' || (c == 'b' && chars.get(i + 1) == Some(&'r'))) {
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) == Some(&'"') {
                j += 1;
                loop {
                    if j >= chars.len() {
                        break;
                    }
                    if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
                continue;
            }
        }
        if c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if let Some(&ch) = chars.get(i) {
                    s.push(ch);
                }
                i += 1;
            }
            i += 1;
            // Keep short ABI strings ("C", "C-unwind", "system") readable; blank the rest.
            if s.len() <= 10 && s.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
                out.push('"');
                out.push_str(&s);
                out.push('"');
            } else {
                out.push_str("\"\"");
            }
            continue;
        }
        if c == '\'' {
            // A char literal ('x', '\n', '\u{..}', '"') or a lifetime ('a).
            if chars.get(i + 1) == Some(&'\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                out.push_str("' '");
                i = j + 1;
                continue;
            }
            if chars.get(i + 2) == Some(&'\'') {
                out.push_str("' '");
                i += 3;
                continue;
            }
            out.push(c);
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Splits at top-level commas, tracking `()`, `[]`, `<>` and skipping `->`.
fn split_rust_commas(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '-' && chars.get(i + 1) == Some(&'>') {
            cur.push_str("->");
            i += 2;
            continue;
        }
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                i += 1;
                continue;
            }
            _ => {}
        }
        cur.push(c);
        i += 1;
    }
    parts.push(cur);
    parts.into_iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
}

/// The index just past the bracket matching the one at `open` (`(`/`[`/`{`).
fn rust_matching(chars: &[char], open: usize) -> Option<usize> {
    let (o, c) = match chars[open] {
        '(' => ('(', ')'),
        '[' => ('[', ']'),
        '{' => ('{', '}'),
        _ => return None,
    };
    let mut depth = 0i32;
    for (k, &ch) in chars.iter().enumerate().skip(open) {
        if ch == o {
            depth += 1;
        } else if ch == c {
            depth -= 1;
            if depth == 0 {
                return Some(k + 1);
            }
        }
    }
    None
}

fn skip_ws(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

/// Reads an identifier at `i` (after whitespace); returns it and the index after it.
fn read_ident(chars: &[char], i: usize) -> Option<(String, usize)> {
    let i = skip_ws(chars, i);
    let start = i;
    let mut j = i;
    while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
        j += 1;
    }
    (j > start).then(|| (chars[start..j].iter().collect(), j))
}

/// A Rust `extern "C"` export: its name, its parameters `(name, Rust type)` and its Rust return
/// type (`None` for no return type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustExport {
    /// The exported symbol name.
    pub name: String,
    /// `(pattern, Rust type)` of each parameter.
    pub params: Vec<(String, String)>,
    /// The return type, if any.
    pub ret: Option<String>,
}

/// Every `#[unsafe(no_mangle)]` (or `#[no_mangle]`) `pub [unsafe] extern "C" fn` in a Rust file.
/// Other attributes and doc comments may sit between the attribute and the item.
pub fn parse_rust_exports(text: &str) -> (Vec<RustExport>, Vec<String>) {
    let stripped = strip_rust(text);
    let chars: Vec<char> = stripped.chars().collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let needle: Vec<char> = "no_mangle".chars().collect();
    let mut i = 0;
    while i + needle.len() <= chars.len() {
        if chars[i..i + needle.len()] != needle[..] {
            i += 1;
            continue;
        }
        let found_at = i;
        i += needle.len();
        // The end of the attribute that contains `no_mangle`.
        let Some(close) = (i..chars.len()).find(|&k| chars[k] == ']') else { break };
        let mut j = close + 1;
        // Further attributes.
        loop {
            j = skip_ws(&chars, j);
            if chars.get(j) == Some(&'#') && chars.get(j + 1) == Some(&'[') {
                match rust_matching(&chars, j + 1) {
                    Some(end) => j = end,
                    None => break,
                }
            } else {
                break;
            }
        }
        // Qualifiers up to `fn`.
        let mut is_pub = false;
        let mut is_extern_c = false;
        let mut ok = false;
        while let Some((word, after)) = read_ident(&chars, j) {
            j = after;
            match word.as_str() {
                "pub" => {
                    is_pub = true;
                    let k = skip_ws(&chars, j);
                    if chars.get(k) == Some(&'(') {
                        // pub(crate) and friends are not exported.
                        is_pub = false;
                        j = rust_matching(&chars, k).unwrap_or(k + 1);
                    }
                }
                "unsafe" | "const" | "async" | "safe" => {}
                "extern" => {
                    let k = skip_ws(&chars, j);
                    if chars.get(k) == Some(&'"') {
                        let end = (k + 1..chars.len()).find(|&m| chars[m] == '"').unwrap_or(k);
                        let abi: String = chars[k + 1..end].iter().collect();
                        is_extern_c = abi == "C" || abi == "C-unwind";
                        j = end + 1;
                    } else {
                        is_extern_c = true;
                    }
                }
                "fn" => {
                    ok = true;
                    break;
                }
                _ => break,
            }
        }
        if !ok {
            // `no_mangle` on a static or something else: not a function export.
            continue;
        }
        let Some((name, after_name)) = read_ident(&chars, j) else {
            errors.push(format!("no function name after no_mangle at char {found_at}"));
            continue;
        };
        if !is_pub || !is_extern_c {
            errors.push(format!(
                "{name}: #[no_mangle] function is not `pub extern \"C\"` (pub: {is_pub}, extern \"C\": {is_extern_c})"
            ));
        }
        let mut k = skip_ws(&chars, after_name);
        if chars.get(k) == Some(&'<') {
            errors.push(format!("{name}: generic exports are not supported"));
            continue;
        }
        if chars.get(k) != Some(&'(') {
            errors.push(format!("{name}: expected `(` after the function name"));
            continue;
        }
        let Some(end) = rust_matching(&chars, k) else {
            errors.push(format!("{name}: unbalanced parentheses"));
            continue;
        };
        let params_text: String = chars[k + 1..end - 1].iter().collect();
        k = skip_ws(&chars, end);
        let mut ret = None;
        if chars.get(k) == Some(&'-') && chars.get(k + 1) == Some(&'>') {
            let start = k + 2;
            let mut m = start;
            let mut depth = 0i32;
            while m < chars.len() {
                match chars[m] {
                    '(' | '[' | '<' => depth += 1,
                    ')' | ']' | '>' => depth -= 1,
                    '{' | ';' if depth == 0 => break,
                    _ => {}
                }
                if depth == 0 && chars[m..].starts_with(&[' ', 'w', 'h', 'e', 'r', 'e']) {
                    break;
                }
                m += 1;
            }
            let r: String = chars[start..m].iter().collect();
            let r = r.split_whitespace().collect::<Vec<_>>().join(" ");
            ret = Some(r);
        }
        let mut params = Vec::new();
        for p in split_rust_commas(&params_text) {
            // `pattern: Type`, splitting at the first `:` that is not part of `::`.
            let pc: Vec<char> = p.chars().collect();
            let colon = (0..pc.len())
                .find(|&q| pc[q] == ':' && pc.get(q + 1) != Some(&':') && (q == 0 || pc[q - 1] != ':'));
            match colon {
                Some(q) => {
                    let pat: String = pc[..q].iter().collect();
                    let ty: String = pc[q + 1..].iter().collect();
                    params.push((
                        pat.trim().trim_start_matches("mut ").trim().to_owned(),
                        ty.split_whitespace().collect::<Vec<_>>().join(" "),
                    ));
                }
                None => errors.push(format!("{name}: cannot read parameter `{p}`")),
            }
        }
        out.push(RustExport { name, params, ret });
        i = end;
    }
    (out, errors)
}

/// Every `type NAME = TYPE;` alias in a Rust file (visibility ignored): `(name, type)`.
pub fn parse_rust_type_aliases(text: &str) -> Vec<(String, String)> {
    let stripped = strip_rust(text);
    let chars: Vec<char> = stripped.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 < chars.len() {
        let boundary_before = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if !(boundary_before && chars[i..].starts_with(&['t', 'y', 'p', 'e']) && chars[i + 4].is_whitespace())
        {
            i += 1;
            continue;
        }
        let Some((name, after)) = read_ident(&chars, i + 4) else {
            i += 1;
            continue;
        };
        let k = skip_ws(&chars, after);
        if chars.get(k) != Some(&'=') {
            i = after;
            continue;
        }
        let Some(semi) = (k..chars.len()).find(|&m| chars[m] == ';') else { break };
        let ty: String = chars[k + 1..semi].iter().collect();
        out.push((name, ty.split_whitespace().collect::<Vec<_>>().join(" ")));
        i = semi + 1;
    }
    out
}

/// Maps a Rust FFI type to its normalised C spelling.
///
/// `*const c_char` → `const char*`, `*mut c_char` → `char*`, `*const c_void` → `const void*`,
/// `c_int` → `int`, `u64` → `uint64_t`, `i32` → `int32_t`, `bool` and `CBool` (a C `bool` taken
/// as its byte) → `bool`; a name that is a C
/// enum in `c_enums` (e.g. `TIMConvType`) → `enum TIMConvType`; a name ending in `Callback` maps
/// to itself; `()` → `void`. Paths are reduced to their last segment (`std::ffi::c_char`).
pub fn rust_type_to_c(ty: &str, c_enums: &BTreeSet<String>) -> Result<String, String> {
    let ty = ty.trim();
    for (prefix, is_const) in [("*const", true), ("*mut", false)] {
        if let Some(rest) = ty.strip_prefix(prefix)
            && rest.starts_with(char::is_whitespace)
        {
            let inner = rust_type_to_c(rest, c_enums)?;
            return Ok(if !is_const {
                format!("{inner}*")
            } else if inner.ends_with('*') {
                format!("{inner} const*")
            } else {
                format!("const {inner}*")
            });
        }
    }
    if ty == "()" {
        return Ok("void".into());
    }
    if ty.contains(['<', '(', '[', '&']) {
        return Err(format!("unsupported Rust type `{ty}` in an export"));
    }
    let last = ty.rsplit("::").next().unwrap_or(ty).trim();
    let mapped = match last {
        "c_char" => "char",
        "c_schar" => "signed char",
        "c_uchar" => "unsigned char",
        "c_void" => "void",
        "c_short" => "short",
        "c_ushort" => "unsigned short",
        "c_int" => "int",
        "c_uint" => "unsigned int",
        "c_long" => "long",
        "c_ulong" => "unsigned long",
        "c_longlong" => "long long",
        "c_ulonglong" => "unsigned long long",
        "c_float" | "f32" => "float",
        "c_double" | "f64" => "double",
        "u8" => "uint8_t",
        "u16" => "uint16_t",
        "u32" => "uint32_t",
        "u64" => "uint64_t",
        "i8" => "int8_t",
        "i16" => "int16_t",
        "i32" => "int32_t",
        "i64" => "int64_t",
        "usize" => "size_t",
        "isize" => "intptr_t",
        "bool" | "CBool" => "bool",
        name if c_enums.contains(name) => return Ok(format!("enum {name}")),
        name if name.ends_with("Callback") => return Ok(name.to_owned()),
        other => return Err(format!("no C mapping for Rust type `{other}`")),
    };
    Ok(mapped.to_owned())
}

/// Reads the parameter types of a Rust callback alias
/// `Option<unsafe extern "C" fn(a: T, b: U) [-> R]>` (or without `Option`/`unsafe`).
fn rust_fn_pointer_params(ty: &str) -> Option<(Vec<String>, Option<String>)> {
    let ty = ty.trim();
    let inner = ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')).unwrap_or(ty).trim();
    let start = inner.find("fn")?;
    let chars: Vec<char> = inner.chars().collect();
    let byte_to_char = inner[..start].chars().count();
    let open = (byte_to_char..chars.len()).find(|&k| chars[k] == '(')?;
    let end = rust_matching(&chars, open)?;
    let params_text: String = chars[open + 1..end - 1].iter().collect();
    let rest: String = chars[end..].iter().collect();
    let ret = rest.trim().strip_prefix("->").map(|r| r.trim().to_owned());
    let params = split_rust_commas(&params_text)
        .into_iter()
        .map(|p| {
            // Named (`code: i32`) or bare (`i32`) parameters.
            let pc: Vec<char> = p.chars().collect();
            let colon = (0..pc.len())
                .find(|&q| pc[q] == ':' && pc.get(q + 1) != Some(&':') && (q == 0 || pc[q - 1] != ':'));
            match colon {
                Some(q) => pc[q + 1..].iter().collect::<String>().trim().to_owned(),
                None => p,
            }
        })
        .collect();
    Some((params, ret))
}

// ------------------------------------------------------------------------------------------------
// Comparison
// ------------------------------------------------------------------------------------------------

/// Compares the keys found in the headers (`(file, key)`) with the expected table.
pub fn compare_keys(found: &[(String, CKey)], expected: &[KeyDef]) -> Vec<String> {
    let mut errors = Vec::new();
    let mut by_name: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (file, key) in found {
        by_name.entry(&key.name).or_default().push((file, &key.value));
    }
    for (name, places) in &by_name {
        if places.len() > 1 {
            let files: Vec<_> = places.iter().map(|(f, _)| *f).collect();
            errors.push(format!("key {name}: declared {} times ({})", places.len(), files.join(", ")));
        }
    }
    let expected_names: BTreeSet<&str> = expected.iter().map(|k| k.c_name).collect();
    for k in expected {
        match by_name.get(k.c_name) {
            None => errors.push(format!(
                "key {}: missing from the headers (expected `static const char* {} = \"{}\";`)",
                k.c_name, k.c_name, k.value
            )),
            Some(places) => {
                for (file, value) in places {
                    if *value != k.value {
                        errors.push(format!(
                            "key {}: value \"{}\" in {} but tim_types::keys has \"{}\"",
                            k.c_name, value, file, k.value
                        ));
                    }
                }
            }
        }
    }
    for (name, places) in &by_name {
        if !expected_names.contains(name) {
            errors.push(format!("key {name}: declared in {} but not in tim_types::keys::ALL", places[0].0));
        }
    }
    errors
}

/// Compares the enums found in the headers (`(file, enum)`) with the expected table.
pub fn compare_enums(found: &[(String, CEnum)], expected: &[CEnumDef]) -> Vec<String> {
    let mut errors = Vec::new();
    let mut by_name: BTreeMap<&str, Vec<(&str, &CEnum)>> = BTreeMap::new();
    for (file, e) in found {
        by_name.entry(&e.name).or_default().push((file, e));
    }
    for (name, places) in &by_name {
        if places.len() > 1 {
            errors.push(format!("enum {name}: defined {} times", places.len()));
        }
    }
    let expected_names: BTreeSet<&str> = expected.iter().map(|e| e.c_name).collect();
    for def in expected {
        let Some(places) = by_name.get(def.c_name) else {
            errors
                .push(format!("enum {}: missing from the headers (expected in {})", def.c_name, def.header));
            continue;
        };
        let (file, found) = places[0];
        if file != def.header {
            errors.push(format!("enum {}: defined in {file} but expected in {}", def.c_name, def.header));
        }
        let found_map: BTreeMap<&str, i64> = found.variants.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        if found_map.len() != found.variants.len() {
            errors.push(format!("enum {}: a variant is declared twice", def.c_name));
        }
        let expected_map: BTreeMap<&str, i64> = def.variants.iter().copied().collect();
        for (variant, value) in def.variants {
            match found_map.get(variant) {
                None => errors
                    .push(format!("enum {}: variant {variant} = {value} missing from {file}", def.c_name)),
                Some(v) if v != value => errors.push(format!(
                    "enum {}: {variant} is {v} in {file} but {value} in tim_types::enums",
                    def.c_name
                )),
                Some(_) => {}
            }
        }
        for (variant, value) in &found.variants {
            if !expected_map.contains_key(variant.as_str()) {
                errors.push(format!(
                    "enum {}: variant {variant} = {value} in {file} is not in tim_types::enums",
                    def.c_name
                ));
            }
        }
    }
    for (name, places) in &by_name {
        if !expected_names.contains(name) {
            errors.push(format!("enum {name}: defined in {} but not in tim_types::enums::ALL", places[0].0));
        }
    }
    errors
}

/// Converts a Rust export to a C signature; errors name unmappable types.
pub fn rust_export_to_signature(
    export: &RustExport,
    c_enums: &BTreeSet<String>,
) -> Result<Signature, Vec<String>> {
    let mut errors = Vec::new();
    let ret = match &export.ret {
        None => "void".to_owned(),
        Some(r) => rust_type_to_c(r, c_enums).unwrap_or_else(|e| {
            errors.push(format!("{}: return type: {e}", export.name));
            String::new()
        }),
    };
    let mut params = Vec::new();
    for (pat, ty) in &export.params {
        match rust_type_to_c(ty, c_enums) {
            Ok(c) => params.push((pat.clone(), c)),
            Err(e) => errors.push(format!("{}: parameter `{pat}`: {e}", export.name)),
        }
    }
    if errors.is_empty() { Ok(Signature { name: export.name.clone(), ret, params }) } else { Err(errors) }
}

/// Compares the C prototypes with the Rust exports (already in C terms), both directions.
pub fn compare_signatures(declared: &[Signature], exported: &[Signature]) -> Vec<String> {
    let mut errors = Vec::new();
    let mut decl_map: BTreeMap<&str, &Signature> = BTreeMap::new();
    for d in declared {
        if decl_map.insert(&d.name, d).is_some() {
            errors.push(format!("function {}: declared twice in the headers", d.name));
        }
    }
    let mut exp_map: BTreeMap<&str, &Signature> = BTreeMap::new();
    for e in exported {
        if exp_map.insert(&e.name, e).is_some() {
            errors.push(format!("function {}: exported twice by tim-ffi", e.name));
        }
    }
    for (name, d) in &decl_map {
        let Some(e) = exp_map.get(name) else {
            errors.push(format!(
                "function {name}: declared in {MAIN_HEADER} but not exported by {FFI_SRC_DIR} \
                 (expected `#[unsafe(no_mangle)] pub extern \"C\" fn {name}(...)`)"
            ));
            continue;
        };
        if d.ret != e.ret {
            errors
                .push(format!("function {name}: returns `{}` in the header but `{}` in Rust", d.ret, e.ret));
        }
        if d.params.len() != e.params.len() {
            errors.push(format!(
                "function {name}: {} parameters in the header ({}) but {} in Rust ({})",
                d.params.len(),
                d.params.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(", "),
                e.params.len(),
                e.params.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(", "),
            ));
            continue;
        }
        for (k, ((dn, dt), (en, et))) in d.params.iter().zip(&e.params).enumerate() {
            if dt != et {
                errors.push(format!(
                    "function {name}: parameter {} is `{dt} {dn}` in the header but maps to `{et}` \
                     in Rust (`{en}`)",
                    k + 1
                ));
            }
        }
    }
    for name in exp_map.keys() {
        if !decl_map.contains_key(name) {
            errors
                .push(format!("function {name}: exported by {FFI_SRC_DIR} but not declared in the headers"));
        }
    }
    errors
}

/// Runs the whole check on in-memory sources: `headers` are the files of the include folder
/// (bare file names), `rust` the Rust files of the FFI crate.
pub fn check_sources(
    headers: &[SourceFile],
    rust: &[SourceFile],
    expected_keys: &[KeyDef],
    expected_enums: &[CEnumDef],
) -> Vec<String> {
    let mut errors = Vec::new();

    // 1. Keys.
    let mut found_keys = Vec::new();
    for h in headers {
        for k in parse_header_keys(&h.text) {
            found_keys.push((h.name.clone(), k));
        }
    }
    errors.extend(compare_keys(&found_keys, expected_keys));

    // 2. Enums.
    let mut found_enums = Vec::new();
    for h in headers {
        let (enums, errs) = parse_header_enums(&h.text);
        errors.extend(errs.into_iter().map(|e| format!("{}: {e}", h.name)));
        found_enums.extend(enums.into_iter().map(|e| (h.name.clone(), e)));
    }
    errors.extend(compare_enums(&found_enums, expected_enums));

    // 3. Prototypes against exports.
    let c_enums: BTreeSet<String> = expected_enums
        .iter()
        .map(|e| e.c_name.to_owned())
        .chain(found_enums.iter().map(|(_, e)| e.name.clone()))
        .collect();
    let mut declared = Vec::new();
    let mut callbacks = BTreeMap::new();
    for h in headers {
        let (protos, errs) = parse_header_prototypes(&h.text);
        errors.extend(errs.into_iter().map(|e| format!("{}: {e}", h.name)));
        declared.extend(protos);
        for cb in parse_header_callbacks(&h.text) {
            callbacks.insert(cb.name.clone(), cb);
        }
    }
    let mut exported = Vec::new();
    let mut aliases = Vec::new();
    for r in rust {
        let (exports, errs) = parse_rust_exports(&r.text);
        errors.extend(errs.into_iter().map(|e| format!("{}: {e}", r.name)));
        for export in exports {
            match rust_export_to_signature(&export, &c_enums) {
                Ok(sig) => exported.push(sig),
                Err(errs) => {
                    errors.extend(errs.into_iter().map(|e| format!("{}: {e}", r.name)));
                    // Still count it as exported so it is not also reported as missing.
                    exported.push(Signature {
                        name: export.name.clone(),
                        ret: "?".into(),
                        params: Vec::new(),
                    });
                }
            }
        }
        aliases.extend(parse_rust_type_aliases(&r.text).into_iter().map(|a| (r.name.clone(), a)));
    }
    // Exports whose types did not map are already reported; skip their detailed comparison.
    let unmapped: BTreeSet<String> =
        exported.iter().filter(|s| s.ret == "?").map(|s| s.name.clone()).collect();
    let declared_cmp: Vec<Signature> =
        declared.iter().filter(|d| !unmapped.contains(&d.name)).cloned().collect();
    let exported_cmp: Vec<Signature> =
        exported.iter().filter(|e| !unmapped.contains(&e.name)).cloned().collect();
    errors.extend(compare_signatures(&declared_cmp, &exported_cmp));
    for name in &unmapped {
        if !declared.iter().any(|d| &d.name == name) {
            errors
                .push(format!("function {name}: exported by {FFI_SRC_DIR} but not declared in the headers"));
        }
    }

    // Callback types used by the declarations must be typedef'd in the headers.
    for d in &declared {
        for (pname, ty) in &d.params {
            if ty.ends_with("Callback") && !callbacks.contains_key(ty) {
                errors.push(format!(
                    "function {}: parameter {pname} has type {ty}, which no header typedefs",
                    d.name
                ));
            }
        }
    }

    // 4. Rust aliases: C enum aliases are c_int; callback aliases match the C typedefs.
    for (file, (name, ty)) in &aliases {
        if c_enums.contains(name) {
            let last = ty.rsplit("::").next().unwrap_or(ty);
            if last != "c_int" && last != "i32" {
                errors.push(format!(
                    "{file}: type {name} = {ty}; a C enum crosses the ABI as `int`, so the alias must be `c_int`"
                ));
            }
        } else if let Some(cb) = callbacks.get(name) {
            let Some((params, ret)) = rust_fn_pointer_params(ty) else {
                errors.push(format!("{file}: type {name} = {ty} is not a function pointer type"));
                continue;
            };
            if !ty.trim_start().starts_with("Option<") {
                errors.push(format!(
                    "{file}: type {name} should be `Option<unsafe extern \"C\" fn(...)>` so that a NULL callback is representable"
                ));
            }
            let mapped: Result<Vec<String>, String> =
                params.iter().map(|p| rust_type_to_c(p, &c_enums)).collect();
            let ret_c = match ret {
                None => Ok("void".to_owned()),
                Some(r) => rust_type_to_c(&r, &c_enums),
            };
            match (mapped, ret_c) {
                (Ok(m), Ok(r)) => {
                    if m != cb.params || r != cb.ret {
                        errors.push(format!(
                            "{file}: callback {name} is `{r} (*)({})` in Rust but `{} (*)({})` in the header",
                            m.join(", "),
                            cb.ret,
                            cb.params.join(", ")
                        ));
                    }
                }
                (Err(e), _) | (_, Err(e)) => errors.push(format!("{file}: callback {name}: {e}")),
            }
        }
    }
    errors
}

/// Lists the files under `dir` (recursively) whose names end with `ext`, sorted.
fn files_with_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_with_ext(&path, ext, out)?;
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Reads the headers of `crates/tim-ffi/include/` (bare file names).
pub fn read_headers(workspace_root: &Path) -> std::io::Result<Vec<SourceFile>> {
    let mut paths = Vec::new();
    files_with_ext(&workspace_root.join(INCLUDE_DIR), "h", &mut paths)?;
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Ok(SourceFile::new(name, fs::read_to_string(&p)?))
        })
        .collect()
}

/// Reads the Rust files of `crates/tim-ffi/src/` (paths relative to the workspace root).
pub fn read_ffi_sources(workspace_root: &Path) -> std::io::Result<Vec<SourceFile>> {
    let mut paths = Vec::new();
    files_with_ext(&workspace_root.join(FFI_SRC_DIR), "rs", &mut paths)?;
    paths
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(workspace_root).unwrap_or(&p).display().to_string();
            Ok(SourceFile::new(name, fs::read_to_string(&p)?))
        })
        .collect()
}

/// The function prototypes declared by the headers of the workspace (for the symbol test).
pub fn declared_functions(workspace_root: &Path) -> Result<Vec<Signature>, Vec<String>> {
    let headers = read_headers(workspace_root).map_err(|e| vec![format!("reading headers: {e}")])?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for h in &headers {
        let (protos, errs) = parse_header_prototypes(&h.text);
        out.extend(protos);
        errors.extend(errs.into_iter().map(|e| format!("{}: {e}", h.name)));
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Checks the headers of the workspace at `workspace_root` against `tim_types::keys::ALL`,
/// `tim_types::enums::ALL` and the exports of `crates/tim-ffi/src`. Returns every mismatch.
pub fn check_headers(workspace_root: &Path) -> Result<(), Vec<String>> {
    let headers = read_headers(workspace_root)
        .map_err(|e| vec![format!("cannot read {}: {e}", workspace_root.join(INCLUDE_DIR).display())])?;
    let mut errors = Vec::new();
    let names: BTreeSet<&str> = headers.iter().map(|h| h.name.as_str()).collect();
    for required in [MAIN_HEADER, "TIMCloudDef.h", "TIMCloudCallback.h", "TIMCloudComm.h", "TIMErrorCode.h"] {
        if !names.contains(required) {
            errors.push(format!("header {required} is missing from {INCLUDE_DIR}"));
        }
    }
    let rust = read_ffi_sources(workspace_root)
        .map_err(|e| vec![format!("cannot read {}: {e}", workspace_root.join(FFI_SRC_DIR).display())])?;
    errors.extend(check_sources(&headers, &rust, keys::ALL, enums::ALL));
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[KeyDef] = &[
        KeyDef { c_name: "kTIMConvId", value: "conv_id" },
        KeyDef { c_name: "kTIMConvType", value: "conv_type" },
    ];

    const ENUMS: &[CEnumDef] = &[
        CEnumDef {
            c_name: "TIMConvType",
            header: "TIMCloudDef.h",
            variants: &[("kTIMConv_Invalid", 0), ("kTIMConv_C2C", 1), ("kTIMConv_Group", 2)],
        },
        CEnumDef {
            c_name: "TIMResult",
            header: "TIMCloudDef.h",
            variants: &[("TIM_SUCC", 0), ("TIM_ERR_SDKUNINIT", -1), ("TIM_ERR_PARAM", -4)],
        },
        CEnumDef {
            c_name: "TIMLoginStatus",
            header: "TIMCloudDef.h",
            variants: &[("kTIMLoginStatus_Logined", 1), ("kTIMLoginStatus_UnLogined", 3)],
        },
    ];

    const GOOD_DEF: &str = r#"
#ifndef X
#define X
/** The conversation type. */
enum TIMConvType {
    kTIMConv_Invalid, /* implicit 0 */
    kTIMConv_C2C = 0x1,
    kTIMConv_Group
};
// line comment with "static const char* kNope = "x";"
enum TIMResult { TIM_SUCC = 0, TIM_ERR_SDKUNINIT = -1, TIM_ERR_PARAM = -(4), };
enum TIMLoginStatus { kTIMLoginStatus_Logined = 1, kTIMLoginStatus_UnLogined = 3 };
static const char*   kTIMConvId =
    "conv_id";
static const char *kTIMConvType = "conv_type";
#endif
"#;

    const GOOD_CLOUD: &str = r#"
#include "TIMCloudDef.h"
typedef void (*TIMCommCallback)(int32_t code, const char* desc, const char* json_params, const void* user_data);
TIM_DECL int TIMConvCreate(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data);
TIM_DECL int TIMUninit(void);
TIM_DECL const char *
    TIMGetSDKVersion(void);
TIM_DECL enum TIMLoginStatus TIMGetLoginStatus(void);
TIM_DECL void TIMSetX(uint64_t a, char* buf, bool b);
"#;

    const GOOD_RUST: &str = r##"
//! FFI.
use std::ffi::{c_char, c_int, c_void};
/// Enum alias.
pub type TIMConvType = c_int;
/// Status alias.
pub type TIMLoginStatus = std::ffi::c_int;
/// Callback.
pub type TIMCommCallback = Option<
    unsafe extern "C" fn(code: i32, desc: *const c_char, json_params: *const c_char, user_data: *const c_void),
>;
// #[unsafe(no_mangle)] pub extern "C" fn Commented() {}
const S: &str = "#[unsafe(no_mangle)] pub extern \"C\" fn InString() {}";
const Q: char = '"';

/// Creates.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvCreate(conv_id: *const c_char, conv_type: TIMConvType, cb: TIMCommCallback, user_data: *const c_void) -> c_int {
    0
}

#[unsafe(no_mangle)]
/// Doc after the attribute.
#[allow(clippy::missing_safety_doc)]
pub unsafe extern "C" fn TIMUninit() -> c_int { 0 }

#[unsafe(no_mangle)]
pub extern "C" fn TIMGetSDKVersion() -> *const std::ffi::c_char { std::ptr::null() }

#[unsafe(no_mangle)]
pub extern "C" fn TIMGetLoginStatus() -> TIMLoginStatus { 3 }

#[unsafe(no_mangle)]
pub extern "C" fn TIMSetX(
    a: u64,
    buf: *mut c_char,
    b: bool,
) {
}

extern "C" fn trampoline(x: i32) -> i32 { x }
"##;

    fn headers(def: &str, cloud: &str) -> Vec<SourceFile> {
        vec![SourceFile::new("TIMCloudDef.h", def), SourceFile::new("TIMCloud.h", cloud)]
    }

    fn rust(text: &str) -> Vec<SourceFile> {
        vec![SourceFile::new("crates/tim-ffi/src/lib.rs", text)]
    }

    fn check(def: &str, cloud: &str, rs: &str) -> Vec<String> {
        check_sources(&headers(def, cloud), &rust(rs), KEYS, ENUMS)
    }

    fn assert_reports(errors: &[String], needle: &str) {
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "expected a mismatch containing {needle:?}, got {errors:#?}"
        );
    }

    #[test]
    fn consistent_sources_pass() {
        let errors = check(GOOD_DEF, GOOD_CLOUD, GOOD_RUST);
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn keys_are_parsed_whatever_the_spacing() {
        let keys = parse_header_keys(GOOD_DEF);
        assert_eq!(
            keys,
            vec![
                CKey { name: "kTIMConvId".into(), value: "conv_id".into() },
                CKey { name: "kTIMConvType".into(), value: "conv_type".into() },
            ]
        );
    }

    #[test]
    fn enum_values_are_evaluated() {
        let (enums, errors) =
            parse_header_enums("enum E { A, B = 0x10, C, D = -7, E2 = 1 << 4, F = 010, G = 5u, H = B | 1 };");
        assert!(errors.is_empty(), "{errors:?}");
        let v: Vec<(&str, i64)> = enums[0].variants.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        assert_eq!(v, [("A", 0), ("B", 16), ("C", 17), ("D", -7), ("E2", 16), ("F", 8), ("G", 5), ("H", 17)]);
    }

    #[test]
    fn rust_exports_are_found_and_mapped() {
        let (exports, errors) = parse_rust_exports(GOOD_RUST);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<&str> = exports.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["TIMConvCreate", "TIMUninit", "TIMGetSDKVersion", "TIMGetLoginStatus", "TIMSetX"]);
        let enums: BTreeSet<String> = ["TIMConvType".to_owned()].into();
        let sig = rust_export_to_signature(&exports[0], &enums).unwrap();
        assert_eq!(sig.ret, "int");
        let types: Vec<&str> = sig.params.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(types, ["const char*", "enum TIMConvType", "TIMCommCallback", "const void*"]);
    }

    #[test]
    fn type_mapping() {
        let enums: BTreeSet<String> = ["TIMConvType".to_owned()].into();
        let map = |t: &str| rust_type_to_c(t, &enums);
        assert_eq!(map("*const c_char").unwrap(), "const char*");
        assert_eq!(map("*mut c_char").unwrap(), "char*");
        assert_eq!(map("*const core::ffi::c_void").unwrap(), "const void*");
        assert_eq!(map("*const *const c_char").unwrap(), "const char* const*");
        assert_eq!(map("u64").unwrap(), "uint64_t");
        assert_eq!(map("TIMConvType").unwrap(), "enum TIMConvType");
        assert_eq!(map("TIMConvEventCallback").unwrap(), "TIMConvEventCallback");
        assert!(map("String").is_err());
        assert!(map("&str").is_err());
        assert_eq!(normalize_c_type("const   char *"), "const char*");
        assert_eq!(normalize_c_type("char * const *"), "char* const*");
    }

    #[test]
    fn a_missing_extra_or_wrong_key_is_reported() {
        let def = GOOD_DEF.replace("\"conv_type\"", "\"conv_typ\"").replace("kTIMConvId", "kTIMConvID");
        let errors = check(&def, GOOD_CLOUD, GOOD_RUST);
        assert_reports(&errors, "key kTIMConvType: value \"conv_typ\"");
        assert_reports(&errors, "key kTIMConvId: missing");
        assert_reports(&errors, "key kTIMConvID: declared in TIMCloudDef.h but not in");
        assert_eq!(errors.len(), 3, "{errors:#?}");
    }

    #[test]
    fn a_duplicated_key_is_reported() {
        let def = format!("{GOOD_DEF}\nstatic const char* kTIMConvId = \"conv_id\";\n");
        assert_reports(&check(&def, GOOD_CLOUD, GOOD_RUST), "declared 2 times");
    }

    #[test]
    fn wrong_enums_are_reported() {
        let def = GOOD_DEF
            .replace("kTIMConv_C2C = 0x1", "kTIMConv_C2C = 0x1, kTIMConv_System = 3")
            .replace("TIM_ERR_PARAM = -(4)", "TIM_ERR_PARAM = -5")
            .replace("kTIMLoginStatus_UnLogined = 3", "kTIMLoginStatus_Unlogined = 3");
        let errors = check(&def, GOOD_CLOUD, GOOD_RUST);
        assert_reports(&errors, "enum TIMConvType: variant kTIMConv_System = 3 in TIMCloudDef.h is not in");
        // kTIMConv_Group is implicit and now follows kTIMConv_System.
        assert_reports(&errors, "enum TIMConvType: kTIMConv_Group is 4");
        assert_reports(&errors, "enum TIMResult: TIM_ERR_PARAM is -5");
        assert_reports(&errors, "variant kTIMLoginStatus_UnLogined = 3 missing from TIMCloudDef.h");
        assert_reports(&errors, "variant kTIMLoginStatus_Unlogined = 3 in TIMCloudDef.h is not in");
    }

    #[test]
    fn an_enum_in_the_wrong_header_or_missing_or_extra_is_reported() {
        let def = GOOD_DEF.replace("enum TIMLoginStatus", "enum TIMLoginState");
        let errors = check(&def, GOOD_CLOUD, GOOD_RUST);
        assert_reports(&errors, "enum TIMLoginStatus: missing from the headers");
        assert_reports(&errors, "enum TIMLoginState: defined in TIMCloudDef.h but not in");

        let moved = vec![
            SourceFile::new("TIMCloudDef.h", GOOD_DEF.replace("enum TIMResult {", "enum Other {")),
            SourceFile::new("TIMCloud.h", GOOD_CLOUD),
            SourceFile::new(
                "TIMErrorCode.h",
                "enum TIMResult { TIM_SUCC = 0, TIM_ERR_SDKUNINIT = -1, TIM_ERR_PARAM = -4 };",
            ),
        ];
        let errors = check_sources(&moved, &rust(GOOD_RUST), KEYS, ENUMS);
        assert_reports(&errors, "enum TIMResult: defined in TIMErrorCode.h but expected in TIMCloudDef.h");
    }

    #[test]
    fn a_declared_but_not_exported_function_is_reported() {
        let cloud = format!("{GOOD_CLOUD}\nTIM_DECL int TIMConvDelete(const char* conv_id);\n");
        let errors = check(GOOD_DEF, &cloud, GOOD_RUST);
        assert_reports(&errors, "function TIMConvDelete: declared in TIMCloud.h but not exported");
        assert_eq!(errors.len(), 1, "{errors:#?}");
    }

    #[test]
    fn an_exported_but_not_declared_function_is_reported() {
        let rs = format!(
            "{GOOD_RUST}\n#[unsafe(no_mangle)]\npub extern \"C\" fn TIMExtra(x: c_int) -> c_int {{ x }}\n"
        );
        let errors = check(GOOD_DEF, GOOD_CLOUD, &rs);
        assert_reports(&errors, "function TIMExtra: exported by crates/tim-ffi/src but not declared");
        assert_eq!(errors.len(), 1, "{errors:#?}");
    }

    #[test]
    fn wrong_parameter_and_return_types_are_reported() {
        let rs = GOOD_RUST
            .replace(
                "conv_id: *const c_char, conv_type: TIMConvType",
                "conv_id: *mut c_char, conv_type: c_int",
            )
            .replace("fn TIMUninit() -> c_int", "fn TIMUninit() -> u32")
            .replace("a: u64,", "a: u32,");
        let errors = check(GOOD_DEF, GOOD_CLOUD, &rs);
        assert_reports(&errors, "parameter 1 is `const char* conv_id` in the header but maps to `char*`");
        assert_reports(
            &errors,
            "parameter 2 is `enum TIMConvType conv_type` in the header but maps to `int`",
        );
        assert_reports(&errors, "function TIMUninit: returns `int` in the header but `uint32_t` in Rust");
        assert_reports(&errors, "function TIMSetX: parameter 1 is `uint64_t a`");
        assert_eq!(errors.len(), 4, "{errors:#?}");
    }

    #[test]
    fn a_wrong_parameter_count_and_a_missing_void_return_are_reported() {
        let rs = GOOD_RUST.replace("b: bool,\n) {", "b: bool,\n    c: bool,\n) -> c_int {");
        let errors = check(GOOD_DEF, GOOD_CLOUD, &rs);
        assert_reports(&errors, "function TIMSetX: returns `void` in the header but `int` in Rust");
        assert_reports(&errors, "function TIMSetX: 3 parameters in the header");
    }

    #[test]
    fn an_unmappable_rust_type_is_reported() {
        let rs = GOOD_RUST.replace("buf: *mut c_char", "buf: &mut [u8]");
        let errors = check(GOOD_DEF, GOOD_CLOUD, &rs);
        assert_reports(&errors, "TIMSetX: parameter `buf`: unsupported Rust type `&mut [u8]`");
    }

    #[test]
    fn wrong_aliases_are_reported() {
        let rs = GOOD_RUST.replace("pub type TIMConvType = c_int;", "pub type TIMConvType = u8;").replace(
            "json_params: *const c_char, user_data",
            "json_params: *const c_char, extra: i32, user_data",
        );
        let errors = check(GOOD_DEF, GOOD_CLOUD, &rs);
        assert_reports(&errors, "type TIMConvType = u8");
        assert_reports(
            &errors,
            "callback TIMCommCallback is `void (*)(int32_t, const char*, const char*, int32_t, const void*)`",
        );
    }

    #[test]
    fn a_non_pub_or_non_c_no_mangle_function_is_reported() {
        let rs = format!("{GOOD_RUST}\n#[unsafe(no_mangle)]\nextern \"C\" fn TIMHidden() {{}}\n");
        let errors = check(GOOD_DEF, GOOD_CLOUD, &rs);
        assert_reports(&errors, "TIMHidden: #[no_mangle] function is not `pub extern \"C\"`");
    }
}
