//! Search tokens for Chinese case text, shared by the seat's SQLite index and the server's.
//!
//! Full-text tokenisers see a run of Chinese characters as one word, and trigram indexes find
//! nothing for two-character terms such as 社保 or 医保. So we index every pair of adjacent Chinese
//! characters (bigrams), plus a run's last character, and ASCII words (phone numbers, case numbers)
//! whole. A query of N ≥ 2 Chinese characters becomes its N−1 bigrams, which must be adjacent (a
//! phrase), so the index answers exact substrings; one character becomes a prefix query.

/// A query broken into what the index holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryPart {
    /// Adjacent bigrams of a Chinese run of two or more characters.
    Phrase(Vec<String>),
    /// A single Chinese character or an ASCII word: matches tokens starting with it.
    Prefix(String),
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

enum Run {
    Cjk(Vec<char>),
    Word(String),
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush = |cjk: &mut Vec<char>, word: &mut String, out: &mut Vec<Run>| {
        if !cjk.is_empty() {
            out.push(Run::Cjk(std::mem::take(cjk)));
        }
        if !word.is_empty() {
            out.push(Run::Word(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                flush(&mut Vec::new(), &mut word, &mut out);
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                flush(&mut cjk, &mut String::new(), &mut out);
            }
            word.extend(c.to_lowercase());
        } else {
            flush(&mut cjk, &mut word, &mut out);
        }
    }
    flush(&mut cjk, &mut word, &mut out);
    out
}

/// The tokens to index for `text`, in order.
pub fn index_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for run in runs(text) {
        match run {
            Run::Word(w) => tokens.push(w),
            Run::Cjk(chars) => {
                for pair in chars.windows(2) {
                    tokens.push(pair.iter().collect());
                }
                tokens.push(chars.last().expect("non-empty run").to_string());
            }
        }
    }
    tokens
}

/// The distinct tokens of `text`, sorted: what a token-set index (PostgreSQL's GIN) holds.
pub fn index_token_set(text: &str) -> Vec<String> {
    let mut tokens = index_tokens(text);
    tokens.sort();
    tokens.dedup();
    tokens
}

/// The query's parts; empty when it holds nothing searchable (punctuation only).
pub fn query_parts(query: &str) -> Vec<QueryPart> {
    runs(query)
        .into_iter()
        .map(|run| match run {
            Run::Word(w) => QueryPart::Prefix(w),
            Run::Cjk(chars) if chars.len() == 1 => QueryPart::Prefix(chars[0].to_string()),
            Run::Cjk(chars) => {
                QueryPart::Phrase(chars.windows(2).map(|p| p.iter().collect()).collect())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_become_bigrams_and_words_stay_whole() {
        assert_eq!(
            index_tokens("社保卡补办，电话13800138000"),
            [
                "社保",
                "保卡",
                "卡补",
                "补办",
                "办",
                "电话",
                "话",
                "13800138000"
            ]
        );
        assert_eq!(index_tokens("医保ABC"), ["医保", "保", "abc"]);
        assert_eq!(index_tokens("  "), Vec::<String>::new());
    }

    #[test]
    fn queries_become_phrases_of_bigrams_or_prefixes() {
        assert_eq!(
            query_parts("社保"),
            [QueryPart::Phrase(vec!["社保".into()])]
        );
        assert_eq!(
            query_parts("社保卡"),
            [QueryPart::Phrase(vec!["社保".into(), "保卡".into()])]
        );
        assert_eq!(
            query_parts("保 1380"),
            [
                QueryPart::Prefix("保".into()),
                QueryPart::Prefix("1380".into())
            ]
        );
        assert!(query_parts("，。!").is_empty());
    }
}
