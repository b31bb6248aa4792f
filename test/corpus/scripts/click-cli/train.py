"""Variational autoencoder on CelebA crops, with a click command line.

    python train.py --lr 1e-3 --latent-dim 128 --no-kl-annealing
"""
import os

import click
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms
from torchvision.utils import save_image


class VAE(nn.Module):
    def __init__(self, latent_dim, base_channels):
        super().__init__()
        c = base_channels
        self.enc = nn.Sequential(
            nn.Conv2d(3, c, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(c, 2 * c, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * c, 4 * c, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Flatten(),
        )
        self.mu = nn.Linear(4 * c * 8 * 8, latent_dim)
        self.logvar = nn.Linear(4 * c * 8 * 8, latent_dim)
        self.dec_in = nn.Linear(latent_dim, 4 * c * 8 * 8)
        self.dec = nn.Sequential(
            nn.Unflatten(1, (4 * c, 8, 8)),
            nn.ConvTranspose2d(4 * c, 2 * c, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(c, 3, 4, 2, 1), nn.Sigmoid(),
        )

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.dec(self.dec_in(z)), mu, logvar


@click.command()
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False), default="data/celeba", show_default=True,
              help="ImageFolder root with the face crops.")
@click.option("--lr", type=float, default=2e-4, show_default=True, help="Adam learning rate.")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--epochs", default=30, show_default=True, help="Passes over the data.")
@click.option("--latent-dim", default=64, type=click.IntRange(2, 1024), show_default=True)
@click.option("--base-channels", default=32, type=int)
@click.option("--beta", default=1.0, type=click.FloatRange(min=0.0), help="Weight of the KL term (beta-VAE).")
@click.option("--weight-decay", "-wd", default=0.0, type=float)
@click.option("--optimizer", type=click.Choice(["adam", "adamw", "rmsprop"], case_sensitive=False), default="adam",
              show_default=True)
@click.option("--kl-annealing/--no-kl-annealing", default=True, help="Ramp the KL weight up over the first epochs.")
@click.option("--seed", default=0, type=int)
@click.option("--log-every", default=100, help="Steps between loss lines.")
@click.option("--checkpoint-dir", type=click.Path(file_okay=False), default="checkpoints")
@click.option("-v", "--verbose", is_flag=True, help="Print per-step losses.")
def train(data_dir, lr, batch_size, epochs, latent_dim, base_channels, beta, weight_decay, optimizer,
          kl_annealing, seed, log_every, checkpoint_dir, verbose):
    """Train the VAE and write samples and checkpoints to CHECKPOINT_DIR."""
    torch.manual_seed(seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tf = transforms.Compose([transforms.CenterCrop(148), transforms.Resize(64), transforms.ToTensor()])
    loader = DataLoader(datasets.ImageFolder(data_dir, tf), batch_size=batch_size, shuffle=True, num_workers=4)
    model = VAE(latent_dim, base_channels).to(device)
    opt_cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "rmsprop": torch.optim.RMSprop}[optimizer.lower()]
    opt = opt_cls(model.parameters(), lr=lr, weight_decay=weight_decay)
    os.makedirs(checkpoint_dir, exist_ok=True)

    step = 0
    for epoch in range(epochs):
        kl_weight = beta * min(1.0, (epoch + 1) / 5) if kl_annealing else beta
        for x, _ in loader:
            x = x.to(device)
            recon, mu, logvar = model(x)
            rec = F.mse_loss(recon, x, reduction="sum") / x.size(0)
            kl = -0.5 * torch.mean(torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
            loss = rec + kl_weight * kl
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if verbose or step % log_every == 0:
                click.echo(f"epoch={epoch} step={step} loss={loss.item():.3f} rec={rec.item():.3f} kl={kl.item():.3f}")
        with torch.no_grad():
            save_image(model.dec(model.dec_in(torch.randn(64, latent_dim, device=device))),
                       os.path.join(checkpoint_dir, f"samples_{epoch:03d}.png"))
        torch.save(model.state_dict(), os.path.join(checkpoint_dir, "vae.pt"))


if __name__ == "__main__":
    train()
