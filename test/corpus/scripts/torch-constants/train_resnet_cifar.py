"""ResNet-20 on CIFAR-10, configured by the constants at the top (no command line)."""
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as transforms

DATA_ROOT = "./data"
BATCH_SIZE = 128
NUM_EPOCHS = 160
LR = 0.1
MOMENTUM = 0.9
WEIGHT_DECAY = 1e-4
NESTEROV = False
LR_MILESTONES = [80, 120]
LR_GAMMA = 0.1
WIDTH = 16
NUM_WORKERS = 2
PRINT_EVERY = 50
MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self, width=16, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(width)
        layers, in_planes = [], width
        for i, planes in enumerate([width, 2 * width, 4 * width]):
            for j in range(3):
                stride = 2 if i > 0 and j == 0 else 1
                layers.append(BasicBlock(in_planes, planes, stride))
                in_planes = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(in_planes, num_classes)

    def forward(self, x):
        out = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(F.adaptive_avg_pool2d(out, 1).flatten(1))


def main():
    normalize = transforms.Normalize(MEAN, STD)
    train_tf = transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(),
                                   transforms.ToTensor(), normalize])
    test_tf = transforms.Compose([transforms.ToTensor(), normalize])
    trainset = torchvision.datasets.CIFAR10(DATA_ROOT, train=True, download=True, transform=train_tf)
    testset = torchvision.datasets.CIFAR10(DATA_ROOT, train=False, download=True, transform=test_tf)
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=BATCH_SIZE, shuffle=True, num_workers=NUM_WORKERS)
    testloader = torch.utils.data.DataLoader(testset, batch_size=256, shuffle=False, num_workers=NUM_WORKERS)

    net = ResNet20(WIDTH, len(CLASSES)).to(DEVICE)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY, nesterov=NESTEROV)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=LR_MILESTONES, gamma=LR_GAMMA)

    for epoch in range(NUM_EPOCHS):
        net.train()
        running, start = 0.0, time.time()
        for i, (inputs, labels) in enumerate(trainloader):
            inputs, labels = inputs.to(DEVICE), labels.to(DEVICE)
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
            if i % PRINT_EVERY == PRINT_EVERY - 1:
                print(f"[{epoch + 1}, {i + 1:5d}] loss: {running / PRINT_EVERY:.3f}")
                running = 0.0
        scheduler.step()

        net.eval()
        correct = total = 0
        with torch.no_grad():
            for images, labels in testloader:
                outputs = net(images.to(DEVICE))
                correct += (outputs.argmax(1).cpu() == labels).sum().item()
                total += labels.size(0)
        print(f"epoch {epoch + 1} val_acc={correct / total:.4f} time={time.time() - start:.1f}s")


if __name__ == "__main__":
    main()
