//! The image tesseract reads for one page: the page's own JPEG when the page
//! is nothing but one JPEG (what scanners and img2pdf write), otherwise a
//! 300 dpi greyscale rendering by poppler's `pdftoppm`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::{run_with_timeout, OcrConfig, RunError};

/// A page's embedded JPEG, extracted as is.
#[derive(Debug, Clone)]
pub struct EmbeddedJpeg {
    pub bytes: Vec<u8>,
    /// Pixels per inch, from the image width and the width it is drawn at.
    pub dpi: u32,
}

/// The JPEG of every page in `wanted` that is a single full-page DCTDecode
/// image. Pages that are anything else (or a PDF lopdf cannot open) are
/// simply left out: they are rendered instead.
pub fn embedded_jpegs(
    bytes: &[u8],
    password: Option<&str>,
    max_decompressed: usize,
    wanted: &[u32],
) -> BTreeMap<u32, EmbeddedJpeg> {
    // This parses the PDF in this process (decoding may have happened in a
    // worker): a panic in lopdf must cost only the shortcut, not the run.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jpegs_of(bytes, password, max_decompressed, wanted)))
        .unwrap_or_default()
}

fn jpegs_of(bytes: &[u8], password: Option<&str>, max_decompressed: usize, wanted: &[u32]) -> BTreeMap<u32, EmbeddedJpeg> {
    let mut out = BTreeMap::new();
    let mut options = match password {
        Some(p) => lopdf::LoadOptions::with_password(p),
        None => lopdf::LoadOptions::default(),
    };
    options.max_decompressed_size = Some(max_decompressed);
    let Ok(doc) = Document::load_mem_with_options(bytes, options) else {
        return out;
    };
    let pages = doc.get_pages();
    for n in wanted {
        if let Some(&id) = pages.get(n) {
            if let Some(jpeg) = single_page_jpeg(&doc, id, max_decompressed) {
                out.insert(*n, jpeg);
            }
        }
    }
    out
}

/// Look up `key` on the page or, for inheritable attributes, its ancestors.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(v) = node.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn numbers(obj: &Object, doc: &Document) -> Option<Vec<f32>> {
    let arr = match obj {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_array().ok()?,
        o => o.as_array().ok()?,
    };
    arr.iter().map(|o| o.as_float().ok()).collect()
}

type Matrix = [f32; 6];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    // m then n (PDF row-vector convention: m × n).
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The JPEG of a page whose content is exactly one upright image XObject
/// covering (nearly) the whole page, with no text or vector drawing that an
/// image of the JPEG alone would miss.
fn single_page_jpeg(doc: &Document, page_id: ObjectId, max_decompressed: usize) -> Option<EmbeddedJpeg> {
    let page = doc.get_dictionary(page_id).ok()?;
    if let Some(rot) = inherited(doc, page, b"Rotate").and_then(|o| o.as_i64().ok()) {
        if rot.rem_euclid(360) != 0 {
            return None;
        }
    }
    let media = numbers(inherited(doc, page, b"MediaBox")?, doc)?;
    let box_ = match inherited(doc, page, b"CropBox").and_then(|o| numbers(o, doc)) {
        Some(c) if c.len() == 4 => c,
        _ => media,
    };
    if box_.len() != 4 {
        return None;
    }
    let (page_w, page_h) = ((box_[2] - box_[0]).abs(), (box_[3] - box_[1]).abs());
    if page_w < 1.0 || page_h < 1.0 {
        return None;
    }
    let content = doc.get_page_content_with_limit(page_id, max_decompressed).ok()?;
    let ops = Content::decode(&content).ok()?.operations;
    let mut ctm: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut stack: Vec<Matrix> = Vec::new();
    let mut drawn: Option<(Vec<u8>, Matrix)> = None;
    for op in &ops {
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(ctm),
            "cm" => {
                let v: Vec<f32> = op.operands.iter().filter_map(|o| o.as_float().ok()).collect();
                if v.len() != 6 {
                    return None;
                }
                ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &ctm);
            }
            "Do" => {
                if drawn.is_some() {
                    return None;
                }
                let name = op.operands.first()?.as_name().ok()?.to_vec();
                drawn = Some((name, ctm));
            }
            // Harmless state: graphics state dicts, rendering intent, flatness.
            "gs" | "ri" | "i" => {}
            _ => return None,
        }
    }
    let (name, m) = drawn?;
    // Upright, unflipped, and covering at least 90 % of the page each way.
    if m[1].abs() > 1e-3 || m[2].abs() > 1e-3 || m[0] <= 0.0 || m[3] <= 0.0 {
        return None;
    }
    if m[0] < 0.9 * page_w || m[3] < 0.9 * page_h {
        return None;
    }
    let resources = inherited(doc, page, b"Resources")?.as_dict().ok()?;
    let xobjects = match resources.get(b"XObject").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        o => o.as_dict().ok()?,
    };
    let image = match xobjects.get(&name).ok()? {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok()?,
        _ => return None,
    };
    let d = &image.dict;
    if d.get(b"Subtype").ok()?.as_name().ok()? != b"Image" {
        return None;
    }
    let filter_ok = match d.get(b"Filter").ok()? {
        Object::Name(n) => n == b"DCTDecode",
        Object::Array(a) => a.len() == 1 && a[0].as_name().ok() == Some(b"DCTDecode".as_slice()),
        _ => false,
    };
    if !filter_ok || d.has(b"SMask") || d.has(b"Mask") || d.has(b"Decode") {
        return None;
    }
    // Grey or RGB JPEGs only: leptonica reads CMYK/Adobe-inverted JPEGs
    // differently from how the PDF shows them.
    let cs_ok = match d.get(b"ColorSpace").ok().map(|o| doc.dereference(o).map(|(_, o)| o)) {
        Some(Ok(Object::Name(n))) => n == b"DeviceGray" || n == b"DeviceRGB",
        Some(Ok(Object::Array(a))) => {
            a.first().and_then(|o| o.as_name().ok()) == Some(b"ICCBased".as_slice())
                && a.get(1)
                    .and_then(|o| o.as_reference().ok())
                    .and_then(|id| doc.get_object(id).ok())
                    .and_then(|o| o.as_stream().ok())
                    .and_then(|s| s.dict.get(b"N").ok())
                    .and_then(|n| n.as_i64().ok())
                    .is_some_and(|n| n == 1 || n == 3)
        }
        _ => false,
    };
    if !cs_ok {
        return None;
    }
    let width = d.get(b"Width").ok()?.as_i64().ok()?;
    let bytes = image.content.clone();
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 || width <= 0 {
        return None;
    }
    let dpi = (width as f32 / (m[0] / 72.0)).round() as u32;
    Some(EmbeddedJpeg { bytes, dpi: dpi.clamp(50, 1200) })
}

/// Render page `page` of `pdf` to a greyscale PNG at `cfg.dpi`.
pub fn render_page(
    pdf: &Path,
    page: u32,
    password: Option<&str>,
    dir: &Path,
    cfg: &OcrConfig,
) -> Result<PathBuf, String> {
    let prefix = dir.join(format!("render-{page}"));
    let err_path = dir.join(format!("render-{page}.err"));
    let mut cmd = Command::new(&cfg.pdftoppm);
    cmd.arg("-r").arg(cfg.dpi.to_string()).arg("-gray").arg("-png").arg("-singlefile");
    cmd.arg("-f").arg(page.to_string()).arg("-l").arg(page.to_string());
    if let Some(p) = password {
        cmd.arg("-upw").arg(p);
    }
    cmd.arg(pdf).arg(&prefix);
    cmd.stdin(Stdio::null()).stdout(Stdio::null());
    match std::fs::File::create(&err_path) {
        Ok(f) => cmd.stderr(f),
        Err(_) => cmd.stderr(Stdio::null()),
    };
    let status = run_with_timeout(&mut cmd, Duration::from_secs(cfg.timeout_secs)).map_err(|e| match e {
        RunError::NotFound => super::missing_pdftoppm_message(&cfg.pdftoppm),
        RunError::Timeout => format!("pdftoppm took more than {} s on page {page}", cfg.timeout_secs),
        RunError::Io(e) => format!("pdftoppm: {e}"),
    })?;
    let png = prefix.with_extension("png");
    if !status.success() || !png.exists() {
        let msg = super::first_line(&std::fs::read_to_string(&err_path).unwrap_or_default());
        return Err(format!("pdftoppm could not render page {page}: {}", if msg.is_empty() { status.to_string() } else { msg }));
    }
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    /// A one-page PDF drawing one image XObject with `content`.
    fn pdf(content: &str, image: Dictionary, rotate: Option<i64>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];
        let img_id = doc.add_object(Stream::new(image, jpeg));
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => img_id } },
        };
        if let Some(r) = rotate {
            page.set("Rotate", r);
        }
        let page_id = doc.add_object(page);
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 595.44.into(), 842.04.into()],
            }),
        );
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn jpeg_dict() -> Dictionary {
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 1654, "Height" => 2339,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        }
    }

    const FULL_PAGE: &str = "q\n595.44 0 0 842.04 0 0 cm\n/Im0 Do\nQ";

    #[test]
    fn full_page_jpeg_is_taken_with_its_resolution() {
        let got = embedded_jpegs(&pdf(FULL_PAGE, jpeg_dict(), None), None, 1 << 20, &[1]);
        let j = got.get(&1).expect("page 1 is a single JPEG");
        assert_eq!(j.dpi, 200);
        assert_eq!(&j.bytes[..2], &[0xFF, 0xD8]);
    }

    #[test]
    fn anything_else_is_rendered() {
        let none = |bytes: Vec<u8>| embedded_jpegs(&bytes, None, 1 << 20, &[1]).is_empty();
        // Rotated page, text over the image, a small image, a flipped one.
        assert!(none(pdf(FULL_PAGE, jpeg_dict(), Some(90))));
        assert!(none(pdf("q 595.44 0 0 842.04 0 0 cm /Im0 Do Q BT /F1 10 Tf (x) Tj ET", jpeg_dict(), None)));
        assert!(none(pdf("q 200 0 0 300 0 0 cm /Im0 Do Q", jpeg_dict(), None)));
        assert!(none(pdf("q 595.44 0 0 -842.04 0 842.04 cm /Im0 Do Q", jpeg_dict(), None)));
        // Not JPEG, CMYK JPEG, masked JPEG.
        let mut flate = jpeg_dict();
        flate.set("Filter", "FlateDecode");
        assert!(none(pdf(FULL_PAGE, flate, None)));
        let mut cmyk = jpeg_dict();
        cmyk.set("ColorSpace", "DeviceCMYK");
        assert!(none(pdf(FULL_PAGE, cmyk, None)));
        let mut masked = jpeg_dict();
        masked.set("SMask", Object::Reference((99, 0)));
        assert!(none(pdf(FULL_PAGE, masked, None)));
        // Rotate 360 is upright.
        assert!(!none(pdf(FULL_PAGE, jpeg_dict(), Some(360))));
    }
}
