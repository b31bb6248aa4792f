#!/usr/bin/env python
"""Fine-tune a pretrained encoder for sentence classification with the Hugging Face Trainer.

    python run_classification.py --model_name_or_path roberta-base --learning_rate 2e-5
"""
import logging
import sys
from dataclasses import dataclass, field
from typing import Optional

import evaluate
import numpy as np
import transformers
from datasets import load_dataset
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    HfArgumentParser,
    Trainer,
    TrainingArguments,
    set_seed,
)

logger = logging.getLogger(__name__)


@dataclass
class ModelArguments:
    """Which model to fine-tune and how."""

    model_name_or_path: str = field(
        default="distilbert-base-uncased",
        metadata={"help": "Path to a pretrained model or its identifier on the model hub"},
    )
    classifier_dropout: float = field(default=0.1, metadata={"help": "Dropout before the classification head"})
    freeze_encoder: bool = field(default=False, metadata={"help": "Train only the classification head"})
    cache_dir: Optional[str] = field(default=None, metadata={"help": "Where to store downloaded models"})


@dataclass
class DataTrainingArguments:
    """What data to train and evaluate on."""

    dataset_name: str = field(default="glue", metadata={"help": "Dataset name on the hub"})
    dataset_config_name: Optional[str] = field(default="sst2", metadata={"help": "Dataset configuration"})
    max_seq_length: int = field(
        default=128,
        metadata={"help": "Maximum input length after tokenization; longer inputs are truncated"},
    )
    max_train_samples: Optional[int] = field(
        default=None, metadata={"help": "Truncate the training set, for debugging or quicker runs"}
    )
    preprocessing_num_workers: int = field(default=4, metadata={"help": "Processes for tokenization"})


@dataclass
class FinetuneTrainingArguments(TrainingArguments):
    """TrainingArguments with this task's defaults."""

    output_dir: str = field(default="outputs/sst2", metadata={"help": "Where checkpoints are written"})
    learning_rate: float = field(default=3e-5, metadata={"help": "Initial AdamW learning rate"})
    per_device_train_batch_size: int = field(default=32, metadata={"help": "Batch size per device"})
    num_train_epochs: float = field(default=3.0, metadata={"help": "Total training epochs"})
    warmup_ratio: float = field(default=0.1, metadata={"help": "Fraction of steps for linear warmup"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    logging_steps: int = field(default=50, metadata={"help": "Log every N steps"})


def main():
    parser = HfArgumentParser((ModelArguments, DataTrainingArguments, FinetuneTrainingArguments))
    if len(sys.argv) == 2 and sys.argv[1].endswith(".json"):
        model_args, data_args, training_args = parser.parse_json_file(json_file=sys.argv[1])
    else:
        model_args, data_args, training_args = parser.parse_args_into_dataclasses()

    logging.basicConfig(format="%(asctime)s - %(levelname)s - %(name)s - %(message)s", level=logging.INFO)
    transformers.utils.logging.set_verbosity_info()
    set_seed(training_args.seed)

    raw = load_dataset(data_args.dataset_name, data_args.dataset_config_name, cache_dir=model_args.cache_dir)
    num_labels = raw["train"].features["label"].num_classes

    config = AutoConfig.from_pretrained(model_args.model_name_or_path, num_labels=num_labels,
                                        classifier_dropout=model_args.classifier_dropout)
    tokenizer = AutoTokenizer.from_pretrained(model_args.model_name_or_path, cache_dir=model_args.cache_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_args.model_name_or_path, config=config)
    if model_args.freeze_encoder:
        for p in model.base_model.parameters():
            p.requires_grad = False

    def tokenize(batch):
        return tokenizer(batch["sentence"], truncation=True, max_length=data_args.max_seq_length)

    tokenized = raw.map(tokenize, batched=True, num_proc=data_args.preprocessing_num_workers)
    train_dataset = tokenized["train"]
    if data_args.max_train_samples is not None:
        train_dataset = train_dataset.select(range(data_args.max_train_samples))

    metric = evaluate.load("accuracy")

    def compute_metrics(pred):
        return metric.compute(predictions=np.argmax(pred.predictions, axis=-1), references=pred.label_ids)

    trainer = Trainer(
        model=model,
        args=training_args,
        train_dataset=train_dataset,
        eval_dataset=tokenized["validation"],
        tokenizer=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=compute_metrics,
    )
    train_result = trainer.train()
    trainer.save_model()
    trainer.log_metrics("train", train_result.metrics)
    metrics = trainer.evaluate()
    trainer.log_metrics("eval", metrics)
    trainer.save_metrics("eval", metrics)


if __name__ == "__main__":
    main()
