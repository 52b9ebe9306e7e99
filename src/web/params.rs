//! The one place where what a request says in its query string, its path and its form body is
//! checked before a handler reads it: text without NUL or control characters (PostgreSQL
//! refuses NUL in text, and no person types the others into a field), numbers within the range
//! the pages can use, and every refusal a 400 with the reason on the dashboard's error page.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppError;

/// The highest page number a list accepts: far beyond any real list (50 million rows at 50 a
/// page), and low enough that its offset cannot overflow.
pub const MAX_PAGE: i64 = 1_000_000;

/// The query string, checked (see the module's comment) and read into `T`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

/// Reads a query string into `T`, refusing a control character in any name or value.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    for (name, value) in form_urlencoded_pairs(query.as_bytes()) {
        // A query parameter is one line: even a tab or line break is refused.
        if let Some(c) = name.chars().chain(value.chars()).find(|c| c.is_control()) {
            return Err(control_character("address", &name, c));
        }
    }
    serde_urlencoded::from_str(query).map_err(|e| {
        AppError::BadRequest(format!(
            "The address has a parameter this page cannot read ({e}). Check the link, or start again from the menu."
        ))
    })
}

/// Reads a form body into `T`, refusing NUL and the control characters no text field holds
/// (tabs and line breaks stay: notes and pasted resolutions have them).
pub fn parse_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    check_form(body)?;
    serde_urlencoded::from_bytes(body)
        .map_err(|e| AppError::BadRequest(format!("The form is incomplete: {e}")))
}

/// Refuses a form body with NUL or a control character other than tab, line feed, carriage
/// return, vertical tab and form feed in any field.
pub fn check_form(body: &[u8]) -> Result<(), AppError> {
    for (name, value) in form_urlencoded_pairs(body) {
        let bad = |c: &char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0b' | '\x0c');
        if let Some(c) = name.chars().chain(value.chars()).find(bad) {
            return Err(control_character("form", &name, c));
        }
    }
    Ok(())
}

fn control_character(place: &str, name: &str, c: char) -> AppError {
    let name: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
    AppError::BadRequest(format!(
        "The {place} field {name:?} holds a control character (U+{:04X}), which no text here may \
         contain. Remove it and send again.",
        c as u32
    ))
}

/// The decoded name and value of each `name=value` pair (`+` is a space, `%XX` a byte;
/// invalid UTF-8 becomes U+FFFD, as the deserialiser reads it).
fn form_urlencoded_pairs(input: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    input
        .split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |b| *b == b'=');
            let name = decode(halves.next().unwrap_or_default());
            let value = decode(halves.next().unwrap_or_default());
            (name, value)
        })
}

fn decode(part: &[u8]) -> String {
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < part.len() => match hex_pair(part[i + 1], part[i + 2]) {
                Some(byte) => {
                    out.push(byte);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    Some(digit(high)? * 16 + digit(low)?)
}

/// A page number from a query parameter: absent or blank is 1, anything else a number from 1
/// to [`MAX_PAGE`].
pub fn parse_page(value: Option<&str>) -> Result<i64, AppError> {
    parse_count("page", value, 1, MAX_PAGE)
}

/// A count from the query parameter `name`: absent or blank is `default`, anything else a
/// number from 1 to `max`.
pub fn parse_count(
    name: &str,
    value: Option<&str>,
    default: i64,
    max: i64,
) -> Result<i64, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "{name} must be a number from 1 to {max}, not {v:?}"
                ))
            }),
    }
}

/// A path parameter; one that cannot be read is a page that does not exist (404).
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            // An id that cannot be one (`/obligations/abc`) names nothing: not found.
            Err(e) => {
                tracing::debug!("path not read: {}", e.body_text());
                Err(AppError::NotFound(
                    "There is nothing at this address: a part of it is not a number as this \
                     site's addresses have. Check the link, or start again from the menu."
                        .into(),
                ))
            }
        }
    }
}

/// A form body without a form token (the sign-in form checks its own), checked like
/// [`parse_form`].
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let body = read_body(request, state).await?;
        parse_form(&body).map(Form)
    }
}

/// The whole body, or a 400/413 saying why not.
pub async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(request, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge("The form is too large.".into())
        } else {
            AppError::BadRequest(format!("The form could not be read: {}", e.body_text()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Q {
        q: Option<String>,
    }

    #[test]
    fn control_characters_in_a_query_are_refused_with_the_field_named() {
        for bad in ["q=a%00b", "q=%09", "q=a%0Ab", "q%00=x", "q=%7F"] {
            match parse_query::<Q>(bad) {
                Err(AppError::BadRequest(m)) => assert!(m.contains("control character"), "{m}"),
                other => panic!("{bad}: {other:?}", other = other.map(|q| q.q)),
            }
        }
        assert_eq!(
            parse_query::<Q>("q=caf%C3%A9+%26+co").unwrap().q.as_deref(),
            Some("café & co")
        );
        // Broken escapes are read as the deserialiser reads them, not refused.
        assert_eq!(
            parse_query::<Q>("q=%zz%").unwrap().q.as_deref(),
            Some("%zz%")
        );
    }

    #[test]
    fn forms_keep_line_breaks_and_tabs_but_refuse_nul() {
        assert!(check_form(b"note=a%0D%0Ab%09c%0C").is_ok());
        assert!(check_form(b"note=a%00b").is_err());
        assert!(check_form(b"name=a%1Bb").is_err());
    }

    #[test]
    fn pages_are_bounded() {
        assert_eq!(parse_page(None).unwrap(), 1);
        assert_eq!(parse_page(Some(" 3 ")).unwrap(), 3);
        for bad in ["0", "-1", "9223372036854775807", "1000001", "x"] {
            assert!(parse_page(Some(bad)).is_err(), "{bad}");
        }
    }
}
