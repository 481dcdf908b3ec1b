//! Case kinds and categories are configuration; the defaults follow the seeds: consultations and
//! complaints (001 §5.2, §5.3), faults by level (004 §2.3; 003 §5.3.6), help and suggestions.

use serde::{Deserialize, Serialize};

use super::model::Domain;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct KindDef {
    pub code: String,
    pub label: String,
    /// A bureau decides whether to accept it (complaints, 001 §5.3).
    pub needs_acceptance: bool,
    /// May be answered on the spot and closed at once (seed 004, 咨询类问题).
    pub answerable_on_spot: bool,
    /// Carries a fault level A–D or a service level 1–4.
    pub has_level: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CategoryDef {
    pub code: String,
    pub label: String,
    pub domain: Domain,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct KindCatalog {
    pub kinds: Vec<KindDef>,
    pub categories: Vec<CategoryDef>,
}

impl KindCatalog {
    pub fn kind(&self, code: &str) -> Option<&KindDef> {
        self.kinds.iter().find(|k| k.code == code)
    }

    pub fn category(&self, code: &str) -> Option<&CategoryDef> {
        self.categories.iter().find(|c| c.code == code)
    }
}

impl Default for KindCatalog {
    fn default() -> Self {
        let kind =
            |code: &str, label: &str, needs_acceptance, answerable_on_spot, has_level| KindDef {
                code: code.into(),
                label: label.into(),
                needs_acceptance,
                answerable_on_spot,
                has_level,
            };
        let cat = |code: &str, label: &str, domain| CategoryDef {
            code: code.into(),
            label: label.into(),
            domain,
        };
        Self {
            kinds: vec![
                kind("consultation", "咨询", false, true, false),
                kind("complaint", "投诉", true, false, false),
                kind("fault", "故障报修", false, false, true),
                kind("help", "求助", false, true, false),
                kind("suggestion", "建议", false, true, false),
            ],
            categories: vec![
                cat("platform_usage", "平台操作使用", Domain::Technical),
                cat("account_login", "账号登录", Domain::Technical),
                cat("app_fault", "应用异常", Domain::Technical),
                cat("network", "网络故障", Domain::Technical),
                cat("social_security", "社保医保", Domain::Business),
                cat("housing", "住房公积金", Domain::Business),
                cat("household_registration", "户籍证照", Domain::Business),
                cat("market_regulation", "市场监管", Domain::Business),
                cat("urban_management", "城市管理", Domain::Business),
                cat("transport", "交通出行", Domain::Business),
                cat("education", "教育", Domain::Business),
                cat("environment", "生态环境", Domain::Business),
                cat("labour", "劳动就业", Domain::Business),
                cat("other_business", "其他业务", Domain::Business),
            ],
        }
    }
}
