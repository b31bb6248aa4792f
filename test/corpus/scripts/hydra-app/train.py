"""Image classifier trained with a Hydra config (conf/config.yaml and its groups).

    python train.py optimizer=sgd optimizer.lr=0.1 trainer.batch_size=256
    python train.py --multirun model=convnet,mlp
"""
import logging

import hydra
import torch
import torch.nn.functional as F
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

log = logging.getLogger(__name__)


def loaders(cfg: DictConfig):
    aug = [transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip()] if cfg.data.augment else []
    train_tf = transforms.Compose(aug + [transforms.ToTensor()])
    train = datasets.CIFAR10(cfg.data.root, train=True, download=True, transform=train_tf)
    val = datasets.CIFAR10(cfg.data.root, train=False, download=True, transform=transforms.ToTensor())
    kwargs = dict(batch_size=cfg.trainer.batch_size, num_workers=cfg.data.num_workers)
    return DataLoader(train, shuffle=True, **kwargs), DataLoader(val, **kwargs)


@hydra.main(version_base=None, config_path="conf", config_name="config")
def main(cfg: DictConfig) -> float:
    log.info("config:\n%s", OmegaConf.to_yaml(cfg))
    torch.manual_seed(cfg.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    model = instantiate(cfg.model).to(device)
    optimizer = instantiate(cfg.optimizer, params=model.parameters())
    train_loader, val_loader = loaders(cfg)

    best_acc = 0.0
    step = 0
    for epoch in range(cfg.trainer.max_epochs):
        model.train()
        for i, (x, y) in enumerate(train_loader):
            x, y = x.to(device), y.to(device)
            loss = F.cross_entropy(model(x), y) / cfg.trainer.accumulate_grad_batches
            loss.backward()
            if (i + 1) % cfg.trainer.accumulate_grad_batches == 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.trainer.grad_clip)
                optimizer.step()
                optimizer.zero_grad()
            step += 1
            if step % cfg.log_every_n_steps == 0:
                log.info("epoch %d step %d loss=%.4f", epoch, step, loss.item())

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for x, y in val_loader:
                correct += (model(x.to(device)).argmax(1).cpu() == y).sum().item()
                total += y.numel()
        val_acc = correct / total
        best_acc = max(best_acc, val_acc)
        log.info("epoch %d val_acc=%.4f", epoch, val_acc)
    # Returned for Hydra sweepers (Optuna, Nevergrad) that optimise the task's return value.
    return best_acc


if __name__ == "__main__":
    main()
