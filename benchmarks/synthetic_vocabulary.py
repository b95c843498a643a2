"""The words the synthetic catalog of gen_catalog.py is drawn from: tasks, teams, subjects,
regions, licences, column types, metrics, serving runtimes and base models."""

from __future__ import annotations

PREDICTIVE_TASKS: dict[str, str] = {
    "tabular-classification": "xgboost",
    "tabular-regression": "lightgbm",
    "time-series-forecasting": "prophet",
    "image-classification": "pytorch",
    "object-detection": "pytorch",
    "automatic-speech-recognition": "onnx",
}
GENERATIVE_TASKS: tuple[str, ...] = (
    "text-generation",
    "feature-extraction",
    "summarization",
    "translation",
)
TASKS: tuple[str, ...] = (*PREDICTIVE_TASKS, *GENERATIVE_TASKS)

TEAMS = (
    "retention",
    "pricing",
    "fraud",
    "supply-chain",
    "marketing",
    "risk",
    "logistics",
    "support",
    "hr-analytics",
    "vision",
    "speech",
    "search",
)
SUBJECTS = (
    "churn",
    "demand",
    "fraud",
    "credit-risk",
    "delivery-eta",
    "price",
    "returns",
    "lead-score",
    "inventory",
    "defect",
    "sentiment",
    "ticket-routing",
    "energy-load",
    "claims",
    "upsell",
    "attrition",
)
REGIONS = ("eu", "us", "apac", "latam", "global", "de", "fr", "uk", "jp", "br")
LICENSES = ("proprietary", "proprietary", "proprietary", "apache-2.0", "mit", "cc-by-4.0")
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "ja", "zh", "nl", "pl")
COLUMN_TYPES = ("long", "double", "double", "float", "integer", "boolean", "string", "datetime")
ENUMS: tuple[tuple[str, ...], ...] = (
    ("monthly", "annual", "two-year"),
    ("web", "mobile", "store", "partner"),
    ("bronze", "silver", "gold", "platinum"),
    ("low", "medium", "high"),
    ("new", "returning", "dormant"),
)
METRICS = {
    "tabular-classification": ("roc_auc", "pr_auc", "f1", "accuracy"),
    "tabular-regression": ("rmse", "mae", "r2"),
    "time-series-forecasting": ("mape", "smape", "mase"),
    "image-classification": ("top1_accuracy", "top5_accuracy"),
    "object-detection": ("map_50", "map_50_95"),
    "automatic-speech-recognition": ("wer", "cer"),
    "text-generation": ("mmlu_5shot", "acme_support_eval_win_rate", "gsm8k"),
    "feature-extraction": ("mteb_retrieval_ndcg@10", "acme_search_recall@20"),
    "summarization": ("rouge_l", "acme_summary_faithfulness"),
    "translation": ("bleu", "comet_22"),
}
PREDICTIVE_SERVING = (
    ("oip-v2", "kserve-xgbserver", "0.15"),
    ("oip-v2", "mlserver", "1.6.1"),
    ("oip-v2", "triton", "24.08"),
    ("kserve-v1", "kserve-sklearnserver", "0.15"),
    ("kserve-v1", "kserve-torchserve", "0.15"),
    ("mlflow-invocations", "mlflow", "2.17.2"),
)
BASE_LLMS = (
    ("meta-llama/Llama-3.1-8B-Instruct", 131072, True),
    ("mistralai/Mistral-7B-Instruct-v0.3", 32768, True),
    ("Qwen/Qwen2.5-7B-Instruct", 32768, True),
    ("ibm-granite/granite-3.1-8b-instruct", 131072, True),
    ("google/gemma-2-9b-it", 8192, False),
    ("BAAI/bge-m3", 8192, False),
    ("intfloat/multilingual-e5-large", 512, False),
)
