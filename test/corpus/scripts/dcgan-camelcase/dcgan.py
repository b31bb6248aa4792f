"""Deep convolutional GAN on an image folder. Flags follow the camelCase style of older
PyTorch GAN code; the parsed options are kept in `opt`."""
from __future__ import print_function

import argparse
import os
import random

import torch
import torch.nn as nn
import torch.optim as optim
import torch.utils.data
import torchvision.datasets as dset
import torchvision.transforms as transforms
import torchvision.utils as vutils

parser = argparse.ArgumentParser()
parser.add_argument('--dataroot', required=True, help='path to an ImageFolder dataset')
parser.add_argument('--workers', type=int, help='number of data loading workers', default=2)
parser.add_argument('--batchSize', type=int, default=128, help='input batch size')
parser.add_argument('--imageSize', type=int, default=64, help='height / width of the generated images')
parser.add_argument('--latentDim', type=int, default=100, help='size of the latent z vector')
parser.add_argument('--genFeatures', type=int, default=64, help='feature maps in the generator')
parser.add_argument('--discFeatures', type=int, default=64, help='feature maps in the discriminator')
parser.add_argument('--nEpochs', type=int, default=25, help='number of epochs to train for')
parser.add_argument('--lrG', type=float, default=0.0002, help='generator learning rate')
parser.add_argument('--lrD', type=float, default=0.0002, help='discriminator learning rate')
parser.add_argument('--beta1', type=float, default=0.5, help='beta1 for Adam')
parser.add_argument('--cuda', action='store_true', help='enables cuda')
parser.add_argument('--netG', default='', help='path to netG (to continue training)')
parser.add_argument('--outDir', default='.', help='folder to output images and model checkpoints')
parser.add_argument('--manualSeed', type=int, help='manual seed')
parser.add_argument('--sampleEvery', type=int, default=100, help='iterations between saved sample grids')

opt = parser.parse_args()
print(opt)

os.makedirs(opt.outDir, exist_ok=True)
if opt.manualSeed is None:
    opt.manualSeed = random.randint(1, 10000)
random.seed(opt.manualSeed)
torch.manual_seed(opt.manualSeed)

device = torch.device("cuda:0" if opt.cuda else "cpu")
dataset = dset.ImageFolder(root=opt.dataroot, transform=transforms.Compose([
    transforms.Resize(opt.imageSize),
    transforms.CenterCrop(opt.imageSize),
    transforms.ToTensor(),
    transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
]))
dataloader = torch.utils.data.DataLoader(dataset, batch_size=opt.batchSize, shuffle=True,
                                         num_workers=int(opt.workers))

nz, ngf, ndf = opt.latentDim, opt.genFeatures, opt.discFeatures


def weights_init(m):
    name = m.__class__.__name__
    if 'Conv' in name:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif 'BatchNorm' in name:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


netG = nn.Sequential(
    nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
    nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh(),
).to(device)
netG.apply(weights_init)
if opt.netG != '':
    netG.load_state_dict(torch.load(opt.netG))

netD = nn.Sequential(
    nn.Conv2d(3, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid(),
).to(device)
netD.apply(weights_init)

criterion = nn.BCELoss()
fixed_noise = torch.randn(64, nz, 1, 1, device=device)
optimizerD = optim.Adam(netD.parameters(), lr=opt.lrD, betas=(opt.beta1, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=opt.lrG, betas=(opt.beta1, 0.999))

for epoch in range(opt.nEpochs):
    for i, (real, _) in enumerate(dataloader, 0):
        real = real.to(device)
        b = real.size(0)
        # discriminator: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        errD_real = criterion(netD(real).view(-1), torch.ones(b, device=device))
        errD_real.backward()
        fake = netG(torch.randn(b, nz, 1, 1, device=device))
        errD_fake = criterion(netD(fake.detach()).view(-1), torch.zeros(b, device=device))
        errD_fake.backward()
        optimizerD.step()
        # generator: maximize log(D(G(z)))
        netG.zero_grad()
        errG = criterion(netD(fake).view(-1), torch.ones(b, device=device))
        errG.backward()
        optimizerG.step()

        print('[%d/%d][%d/%d] loss_D=%.4f loss_G=%.4f'
              % (epoch, opt.nEpochs, i, len(dataloader), (errD_real + errD_fake).item(), errG.item()))
        if i % opt.sampleEvery == 0:
            vutils.save_image(netG(fixed_noise).detach(), '%s/fake_samples_epoch_%03d.png' % (opt.outDir, epoch),
                              normalize=True)
    torch.save(netG.state_dict(), '%s/netG_epoch_%d.pth' % (opt.outDir, epoch))
    torch.save(netD.state_dict(), '%s/netD_epoch_%d.pth' % (opt.outDir, epoch))
