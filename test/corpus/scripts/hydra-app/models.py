"""Models the Hydra config instantiates through _target_."""
import torch.nn as nn


class ConvNet(nn.Module):
    def __init__(self, channels, kernel_size=3, dropout=0.0, batch_norm=True, num_classes=10):
        super().__init__()
        layers, in_ch = [], 3
        for ch in channels:
            layers += [nn.Conv2d(in_ch, ch, kernel_size, padding=kernel_size // 2)]
            if batch_norm:
                layers.append(nn.BatchNorm2d(ch))
            layers += [nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            in_ch = ch
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(in_ch, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


class MLP(nn.Module):
    def __init__(self, hidden, dropout=0.0, num_classes=10):
        super().__init__()
        dims = [3 * 32 * 32, *hidden]
        layers = [nn.Flatten()]
        for a, b in zip(dims, dims[1:]):
            layers += [nn.Linear(a, b), nn.ReLU(inplace=True), nn.Dropout(dropout)]
        layers.append(nn.Linear(dims[-1], num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
