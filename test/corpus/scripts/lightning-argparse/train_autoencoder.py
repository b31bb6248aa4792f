"""Denoising autoencoder on MNIST with PyTorch Lightning 1.x: Trainer flags come from
Trainer.add_argparse_args, the model adds its own."""
from argparse import ArgumentParser

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, random_split
from torchvision import transforms
from torchvision.datasets import MNIST


class LitAutoEncoder(pl.LightningModule):
    def __init__(self, hidden_dim=128, latent_dim=16, learning_rate=1e-3, weight_decay=0.0, noise_std=0.3, **kwargs):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = nn.Sequential(nn.Linear(28 * 28, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, 28 * 28))

    def forward(self, x):
        return self.decoder(self.encoder(x))

    def _step(self, batch):
        x, _ = batch
        x = x.view(x.size(0), -1)
        noisy = x + self.hparams.noise_std * torch.randn_like(x)
        return F.mse_loss(self(noisy), x)

    def training_step(self, batch, batch_idx):
        loss = self._step(batch)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", self._step(batch), prog_bar=True)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.learning_rate,
                                weight_decay=self.hparams.weight_decay)

    @staticmethod
    def add_model_specific_args(parent_parser):
        parser = parent_parser.add_argument_group("LitAutoEncoder")
        parser.add_argument("--hidden_dim", type=int, default=128)
        parser.add_argument("--latent_dim", type=int, default=16)
        parser.add_argument("--learning_rate", type=float, default=1e-3)
        parser.add_argument("--weight_decay", type=float, default=0.0)
        parser.add_argument("--noise_std", type=float, default=0.3, help="std of the input corruption")
        return parent_parser


def cli_main():
    pl.seed_everything(1234)

    parser = ArgumentParser()
    parser.add_argument("--batch_size", default=32, type=int)
    parser.add_argument("--data_dir", default="./data", type=str)
    parser.add_argument("--num_workers", default=4, type=int)
    parser = pl.Trainer.add_argparse_args(parser)
    parser = LitAutoEncoder.add_model_specific_args(parser)
    args = parser.parse_args()

    dataset = MNIST(args.data_dir, train=True, download=True, transform=transforms.ToTensor())
    mnist_train, mnist_val = random_split(dataset, [55000, 5000])
    train_loader = DataLoader(mnist_train, batch_size=args.batch_size, num_workers=args.num_workers)
    val_loader = DataLoader(mnist_val, batch_size=args.batch_size, num_workers=args.num_workers)

    model = LitAutoEncoder(**vars(args))
    trainer = pl.Trainer.from_argparse_args(args)
    trainer.fit(model, train_loader, val_loader)


if __name__ == "__main__":
    cli_main()
