//! Decryption with the standard security handler, as tolerant as poppler
//! and qpdf, for files lopdf will not open.
//!
//! lopdf decrypts most files itself, but refuses some that poppler and qpdf
//! open without a password: an `/Encrypt` dictionary without `/ID` in the
//! trailer (the key is then made with an empty ID), a key length outside
//! what the revision allows, an AES-256 `/Perms` entry that does not check
//! out (poppler ignores it), a missing `/P`. Those files load here:
//!
//! 1. the file is read with its `/Encrypt` entry hidden (renamed in a copy
//!    of the bytes, same length, so no offset moves), so lopdf loads every
//!    object as it is stored, ciphertext included, and leaves object
//!    streams unparsed;
//! 2. the user password (the empty one unless `--password` gives one; the
//!    owner password too, for revisions 5 and 6) is checked and the file
//!    key derived by Algorithms 2, 6, 2.A and 2.B of ISO 32000-2, trying the
//!    key lengths a sloppy `/Length` may mean;
//! 3. every string and stream is decrypted (RC4 or AES, per crypt filter),
//!    except the `/Encrypt` dictionary itself, cross-reference streams and,
//!    when `/EncryptMetadata` is false, metadata; then the object streams
//!    are parsed.

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use lopdf::{Dictionary, Document, Object, ObjectId};
use md5::{Digest, Md5};
use sha2::{Sha256, Sha384, Sha512};

/// How one kind of data (strings or streams) is encrypted.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    None,
    Rc4,
    Aes128,
    Aes256,
}

/// What decrypting needs: the file key and the method for streams and
/// strings.
#[derive(Debug, Clone)]
pub(super) struct Key {
    key: Vec<u8>,
    streams: Method,
    strings: Method,
    encrypt_metadata: bool,
}

const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6,
    0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// Why the file could not be decrypted.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Failure {
    /// The password (empty, or the one given) opens it neither as user nor
    /// as owner.
    WrongPassword,
    /// Not the standard security handler, or a revision or method unknown.
    Unsupported(String),
    /// The `/Encrypt` dictionary cannot be read.
    Damaged(String),
}

pub(super) fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    if key.is_empty() {
        return data.to_vec();
    }
    let mut j: u8 = 0;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, j as usize);
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[i as usize]);
            s.swap(i as usize, j as usize);
            b ^ s[(s[i as usize].wrapping_add(s[j as usize])) as usize]
        })
        .collect()
}

/// AES-CBC decryption of `data` (IV first, PKCS#7 padding removed when it
/// is well formed); None when `data` is not whole blocks.
fn aes_decrypt(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 16 || !data.len().is_multiple_of(16) {
        // An empty string encrypts to the IV alone.
        return (data.len() == 16).then(Vec::new);
    }
    let (iv, body) = data.split_at(16);
    let mut buf = body.to_vec();
    let plain_len = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv).ok()?.decrypt_padded_mut::<NoPadding>(&mut buf).ok()?.len(),
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?.decrypt_padded_mut::<NoPadding>(&mut buf).ok()?.len(),
        _ => return None,
    };
    buf.truncate(plain_len);
    if let Some(&n) = buf.last() {
        let n = n as usize;
        if (1..=16).contains(&n) && n <= buf.len() && buf[buf.len() - n..].iter().all(|&b| b as usize == n) {
            buf.truncate(buf.len() - n);
        }
    }
    Some(buf)
}

/// AES-256 decryption of whole blocks with a zero IV and no padding (the
/// `/UE`, `/OE` entries).
fn aes256_no_iv(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    let mut buf = data.to_vec();
    let n = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, &[0u8; 16]).ok()?.decrypt_padded_mut::<NoPadding>(&mut buf).ok()?.len();
    buf.truncate(n);
    Some(buf)
}

/// Algorithm 2.B (revision 6): the hash of a password with a salt and,
/// for the owner, the `/U` string.
fn hash_r6(password: &[u8], salt: &[u8], user: &[u8]) -> Vec<u8> {
    let mut k: Vec<u8> = Sha256::new().chain_update(password).chain_update(salt).chain_update(user).finalize().to_vec();
    let mut round = 0u32;
    loop {
        let mut k1 = Vec::with_capacity(64 * (password.len() + k.len() + user.len()));
        for _ in 0..64 {
            k1.extend_from_slice(password);
            k1.extend_from_slice(&k);
            k1.extend_from_slice(user);
        }
        let len = k1.len();
        let Ok(enc) = cbc::Encryptor::<aes::Aes128>::new_from_slices(&k[..16], &k[16..32]) else { return k };
        let Ok(e) = enc.encrypt_padded_mut::<NoPadding>(&mut k1, len) else { return k };
        let e = e.to_vec();
        let sum: u32 = e[..16].iter().map(|&b| b as u32).sum();
        k = match sum % 3 {
            0 => Sha256::digest(&e).to_vec(),
            1 => Sha384::digest(&e).to_vec(),
            _ => Sha512::digest(&e).to_vec(),
        };
        round += 1;
        if round >= 64 && (*e.last().unwrap_or(&0) as u32) <= round - 32 {
            break;
        }
    }
    k.truncate(32);
    k
}

fn hash_r5(password: &[u8], salt: &[u8], user: &[u8]) -> Vec<u8> {
    Sha256::new().chain_update(password).chain_update(salt).chain_update(user).finalize().to_vec()
}

fn bytes_of<'a>(dict: &'a Dictionary, key: &[u8]) -> &'a [u8] {
    dict.get(key).and_then(Object::as_str).unwrap_or(&[])
}

fn int_of(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    match dict.get_deref(key, doc).ok()? {
        Object::Integer(i) => Some(*i),
        Object::Real(r) => Some(*r as i64),
        _ => None,
    }
}

/// The method a crypt filter named `name` (in `/CF`) uses.
fn filter_method(encrypt: &Dictionary, name: Option<&[u8]>, v: i64) -> Method {
    let Some(name) = name else { return if v >= 5 { Method::Aes256 } else { Method::Rc4 } };
    if name == b"Identity" {
        return Method::None;
    }
    let cfm = encrypt
        .get(b"CF")
        .and_then(Object::as_dict)
        .and_then(|cf| cf.get(name))
        .and_then(Object::as_dict)
        .and_then(|f| f.get(b"CFM"))
        .and_then(Object::as_name)
        .unwrap_or(b"");
    match cfm {
        b"AESV2" => Method::Aes128,
        b"AESV3" => Method::Aes256,
        b"V2" => Method::Rc4,
        b"None" => Method::None,
        // No /CFM or an unknown one: what the version implies.
        _ if v >= 5 => Method::Aes256,
        _ => Method::Rc4,
    }
}

/// Check `password` against the `/Encrypt` dictionary and derive the file
/// key.
pub(super) fn key(doc: &Document, encrypt: &Dictionary, id0: &[u8], password: &str) -> Result<Key, Failure> {
    let filter = encrypt.get(b"Filter").and_then(Object::as_name).unwrap_or(b"Standard");
    if filter != b"Standard" {
        return Err(Failure::Unsupported(format!("security handler /{}", String::from_utf8_lossy(filter))));
    }
    let v = int_of(doc, encrypt, b"V").unwrap_or(0);
    let r = int_of(doc, encrypt, b"R").ok_or_else(|| Failure::Damaged("no revision (/R)".into()))?;
    let o = bytes_of(encrypt, b"O");
    let u = bytes_of(encrypt, b"U");
    let p = int_of(doc, encrypt, b"P").unwrap_or(-4) as u32;
    let encrypt_metadata = !matches!(encrypt.get(b"EncryptMetadata"), Ok(Object::Boolean(false)));
    let (streams, strings) = if v >= 4 {
        let name = |k: &[u8]| encrypt.get(k).and_then(Object::as_name).ok();
        (filter_method(encrypt, name(b"StmF"), v), filter_method(encrypt, name(b"StrF"), v))
    } else {
        (Method::Rc4, Method::Rc4)
    };
    let file_key = match r {
        2..=4 => {
            if o.len() < 32 || u.len() < 16 {
                return Err(Failure::Damaged("/O or /U is too short".into()));
            }
            // Latin-1 bytes (PDFDocEncoding) of the password.
            let pw: Vec<u8> = password.chars().map(|c| if (c as u32) < 256 { c as u32 as u8 } else { b'?' }).collect();
            let declared = int_of(doc, encrypt, b"Length").map(|bits| if bits > 16 && bits % 8 == 0 { bits / 8 } else { bits });
            let mut lengths: Vec<usize> = Vec::new();
            if r == 2 {
                lengths.push(5);
            }
            if let Some(n) = declared.filter(|n| (5..=16).contains(n)) {
                lengths.push(n as usize);
            }
            lengths.extend([5, 16]);
            lengths.extend(6..16);
            lengths.dedup();
            let found = lengths
                .iter()
                .find_map(|&n| user_key_r4(&pw, o, p, id0, r, n, encrypt_metadata).filter(|k| check_user_r4(k, u, id0, r)))
                .or_else(|| {
                    // The owner password: it decrypts /O to the user password.
                    lengths.iter().find_map(|&n| {
                        let user_pw = owner_to_user_r4(&pw, o, r, n);
                        user_key_r4(&user_pw, o, p, id0, r, n, encrypt_metadata).filter(|k| check_user_r4(k, u, id0, r))
                    })
                });
            found.ok_or(Failure::WrongPassword)?
        }
        5 | 6 => {
            if o.len() < 48 || u.len() < 48 {
                return Err(Failure::Damaged("/O or /U is too short".into()));
            }
            let pw: Vec<u8> = password.as_bytes()[..password.len().min(127)].to_vec();
            let hash: fn(&[u8], &[u8], &[u8]) -> Vec<u8> = if r == 5 { hash_r5 } else { hash_r6 };
            let ue = bytes_of(encrypt, b"UE");
            let oe = bytes_of(encrypt, b"OE");
            if hash(&pw, &u[32..40], &[]) == u[..32] {
                let k = hash(&pw, &u[40..48], &[]);
                aes256_no_iv(&k, &ue[..ue.len().min(32)]).filter(|k| k.len() == 32).ok_or_else(|| Failure::Damaged("/UE is damaged".into()))?
            } else if hash(&pw, &o[32..40], &u[..48]) == o[..32] {
                let k = hash(&pw, &o[40..48], &u[..48]);
                aes256_no_iv(&k, &oe[..oe.len().min(32)]).filter(|k| k.len() == 32).ok_or_else(|| Failure::Damaged("/OE is damaged".into()))?
            } else {
                return Err(Failure::WrongPassword);
            }
        }
        other => return Err(Failure::Unsupported(format!("revision {other} of the standard security handler"))),
    };
    Ok(Key { key: file_key, streams, strings, encrypt_metadata })
}

/// Algorithm 2: the file key of revisions 2–4 for a user password.
fn user_key_r4(pw: &[u8], o: &[u8], p: u32, id0: &[u8], r: i64, n: usize, encrypt_metadata: bool) -> Option<Vec<u8>> {
    let mut padded = pw[..pw.len().min(32)].to_vec();
    padded.extend_from_slice(&PAD[..32 - padded.len()]);
    let mut h = Md5::new();
    h.update(&padded);
    h.update(&o[..32]);
    h.update(p.to_le_bytes());
    h.update(id0);
    if r >= 4 && !encrypt_metadata {
        h.update([0xFF; 4]);
    }
    let mut digest = h.finalize().to_vec();
    if r >= 3 {
        for _ in 0..50 {
            digest = Md5::digest(&digest[..n]).to_vec();
        }
    }
    Some(digest[..n].to_vec())
}

/// Algorithms 4 and 5: whether `key` opens `/U`.
fn check_user_r4(key: &[u8], u: &[u8], id0: &[u8], r: i64) -> bool {
    if r == 2 {
        return rc4(key, &PAD) == u[..32.min(u.len())];
    }
    let mut h = Md5::new();
    h.update(PAD);
    h.update(id0);
    let mut x = rc4(key, &h.finalize());
    for i in 1..=19u8 {
        let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
        x = rc4(&k, &x);
    }
    x[..16] == u[..16]
}

/// Algorithm 7: the user password an owner password recovers from `/O`.
fn owner_to_user_r4(pw: &[u8], o: &[u8], r: i64, n: usize) -> Vec<u8> {
    let mut padded = pw[..pw.len().min(32)].to_vec();
    padded.extend_from_slice(&PAD[..32 - padded.len()]);
    let mut digest = Md5::digest(&padded).to_vec();
    if r >= 3 {
        for _ in 0..50 {
            digest = Md5::digest(&digest).to_vec();
        }
    }
    let key = &digest[..n];
    if r == 2 {
        return rc4(key, &o[..32]);
    }
    let mut x = o[..32].to_vec();
    for i in (0..=19u8).rev() {
        let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
        x = rc4(&k, &x);
    }
    x
}

impl Key {
    /// Decrypt `data` of object `id` by `method`.
    fn decrypt(&self, id: ObjectId, method: Method, data: &[u8]) -> Vec<u8> {
        let object_key = |aes: bool| {
            let mut h = Md5::new();
            h.update(&self.key);
            h.update(&id.0.to_le_bytes()[..3]);
            h.update(id.1.to_le_bytes());
            if aes {
                h.update(b"sAlT");
            }
            let digest = h.finalize();
            digest[..(self.key.len() + 5).min(16)].to_vec()
        };
        match method {
            Method::None => data.to_vec(),
            Method::Rc4 => rc4(&object_key(false), data),
            Method::Aes128 => aes_decrypt(&object_key(true), data).unwrap_or_else(|| data.to_vec()),
            Method::Aes256 => aes_decrypt(&self.key, data).unwrap_or_else(|| data.to_vec()),
        }
    }

    fn strings_in(&self, id: ObjectId, o: &mut Object) {
        match o {
            Object::String(s, _) => *s = self.decrypt(id, self.strings, s),
            Object::Array(items) => items.iter_mut().for_each(|i| self.strings_in(id, i)),
            Object::Dictionary(d) => d.iter_mut().for_each(|(_, v)| self.strings_in(id, v)),
            Object::Stream(s) => s.dict.iter_mut().for_each(|(_, v)| self.strings_in(id, v)),
            _ => {}
        }
    }

    /// Decrypt every object of `doc` in place, then parse its object
    /// streams (their type hidden as `/ObjStmEncrypted` while loading).
    pub(super) fn decrypt_document(&self, doc: &mut Document, encrypt_id: Option<ObjectId>, limit: usize) {
        let ids: Vec<ObjectId> = doc.objects.keys().copied().filter(|id| Some(*id) != encrypt_id).collect();
        let mut containers = Vec::new();
        for id in ids {
            let Some(object) = doc.objects.get_mut(&id) else { continue };
            self.strings_in(id, object);
            if let Object::Stream(stream) = object {
                let kind = stream.dict.get(b"Type").and_then(Object::as_name).unwrap_or(b"").to_vec();
                if kind == b"XRef" || kind == b"Metadata" && !self.encrypt_metadata {
                    continue;
                }
                let identity = stream.dict.get(b"Filter").is_ok_and(|f| match f {
                    Object::Name(n) => n == b"Crypt",
                    Object::Array(a) => a.first().and_then(|o| o.as_name().ok()) == Some(b"Crypt"),
                    _ => false,
                });
                if !identity {
                    stream.content = self.decrypt(id, self.streams, &stream.content);
                }
                if kind == b"ObjStmEncrypted" {
                    stream.dict.set("Type", "ObjStm");
                    containers.push(id);
                }
            }
        }
        for id in containers {
            let Some(Object::Stream(stream)) = doc.objects.get(&id) else { continue };
            let Ok(parsed) = lopdf::ObjectStream::new_with_limit(stream, Some(limit)) else { continue };
            for (oid, o) in parsed.objects {
                doc.objects.entry(oid).or_insert(o);
            }
        }
    }
}

/// What in `encrypt` is out of the standard, for the warning: no `/ID`,
/// a key length the revision does not allow, no `/P`, or (revisions 5, 6)
/// a `/Perms` that does not decrypt to what it should.
pub(super) fn oddities(doc: &Document, encrypt: &Dictionary, key: &Key) -> String {
    let mut odd = Vec::new();
    if doc.trailer.get(b"ID").is_err() {
        odd.push("no /ID in the trailer".to_string());
    }
    if encrypt.get(b"P").is_err() {
        odd.push("no /P".to_string());
    }
    let r = int_of(doc, encrypt, b"R").unwrap_or(0);
    let v = int_of(doc, encrypt, b"V").unwrap_or(0);
    if let Some(bits) = int_of(doc, encrypt, b"Length") {
        let allowed = match v {
            1 => bits == 40,
            2 | 3 => (40..=128).contains(&bits) && bits % 8 == 0,
            4 => bits == 128,
            5 => bits == 256,
            _ => true,
        };
        if !allowed {
            odd.push(format!("/Length {bits} with /V {v}"));
        }
    }
    if r >= 5 {
        let perms = bytes_of(encrypt, b"Perms");
        let checks = perms.len() >= 16 && aes256_no_iv(&key.key, &perms[..16]).is_some_and(|p| &p[9..12] == b"adb");
        if !checks {
            odd.push("a /Perms entry that does not check out".to_string());
        }
    }
    if odd.is_empty() {
        odd.push("an unusual but readable form".to_string());
    }
    odd.join(", ")
}

/// While loading with `/Encrypt` hidden: keep object streams unparsed
/// (their content is still ciphertext).
pub(super) fn hide_object_streams(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(s) = object {
        if s.dict.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"ObjStm") {
            s.dict.set("Type", "ObjStmEncrypted");
        }
    }
    // lopdf keeps the object as changed in place (and uses the returned one
    // for objects of object streams, which are not met here).
    Some((id, object.clone()))
}

/// `bytes` with every `/Encrypt` key renamed `/Encrypx` (same length).
pub(super) fn hide_encrypt(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let needle = b"/Encrypt";
    let mut i = 0;
    while i + needle.len() <= out.len() {
        if &out[i..i + needle.len()] == needle
            && out.get(i + needle.len()).is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            out[i + needle.len() - 1] = b'x';
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_known_answer() {
        // RFC 6229-style check: key "Key", plaintext "Plaintext".
        assert_eq!(rc4(b"Key", b"Plaintext"), [0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3]);
    }

    #[test]
    fn hide_encrypt_keeps_length() {
        let b = b"trailer << /Encrypt 5 0 R /EncryptMetadata false >>";
        let h = hide_encrypt(b);
        assert_eq!(h.len(), b.len());
        assert_eq!(&h[..], &b"trailer << /Encrypx 5 0 R /EncryptMetadata false >>"[..]);
    }
}
