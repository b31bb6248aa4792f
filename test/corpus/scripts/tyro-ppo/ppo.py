"""Proximal Policy Optimization for discrete-action Gymnasium environments, single file.
Settings are the Args dataclass; tyro turns each field into a flag (--learning-rate 3e-4)."""
import os
import random
import time
from dataclasses import dataclass
from typing import Optional

import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import tyro
from torch.distributions.categorical import Categorical
from torch.utils.tensorboard import SummaryWriter


@dataclass
class Args:
    # --- run bookkeeping ---
    exp_name: str = os.path.basename(__file__)[: -len(".py")]
    """Prefix of the run directory under runs/."""
    seed: int = 1
    """Seeds Python, NumPy, torch and the environments."""
    torch_deterministic: bool = True
    """Ask cuDNN for deterministic kernels (slower)."""
    cuda: bool = True
    """Use the GPU when one is visible."""
    track: bool = False
    """Send metrics to Weights & Biases as well as TensorBoard."""
    wandb_project_name: str = "ppo-discrete"
    """W&B project that tracked runs land in."""

    # --- environment ---
    env_id: str = "CartPole-v1"
    """Gymnasium id of the task."""
    total_timesteps: int = 500_000
    """Environment steps to collect, summed over all copies."""
    num_envs: int = 4
    """Copies of the environment stepped together."""
    rollout_steps: int = 128
    """Steps per environment copy between two policy updates."""

    # --- optimisation ---
    learning_rate: float = 2.5e-4
    """Adam step size at the start of training."""
    anneal_lr: bool = True
    """Decay the step size linearly to zero over training."""
    gamma: float = 0.99
    """Reward discount."""
    gae_lambda: float = 0.95
    """Bias/variance trade-off of generalised advantage estimation."""
    num_minibatches: int = 4
    """Each rollout is split into this many minibatches."""
    update_epochs: int = 4
    """Passes over each rollout per update."""
    norm_adv: bool = True
    """Standardise advantages within each minibatch."""
    clip_coef: float = 0.2
    """Clipping range of the probability ratio."""
    ent_coef: float = 0.01
    """Weight of the entropy bonus."""
    vf_coef: float = 0.5
    """Weight of the value loss."""
    max_grad_norm: float = 0.5
    """Global gradient-norm clip."""
    target_kl: Optional[float] = None
    """Stop the update epochs early once the approximate KL exceeds this (None: never)."""


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, envs):
        super().__init__()
        obs_dim = int(np.prod(envs.single_observation_space.shape))
        self.critic = nn.Sequential(layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
                                    layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, 1), std=1.0))
        self.actor = nn.Sequential(layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
                                   layer_init(nn.Linear(64, 64)), nn.Tanh(),
                                   layer_init(nn.Linear(64, envs.single_action_space.n), std=0.01))

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        probs = Categorical(logits=self.actor(x))
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


if __name__ == "__main__":
    args = tyro.cli(Args)
    batch_size = args.num_envs * args.rollout_steps
    minibatch_size = batch_size // args.num_minibatches
    num_iterations = args.total_timesteps // batch_size
    run_name = f"{args.env_id}__{args.exp_name}__{args.seed}__{int(time.time())}"
    if args.track:
        import wandb
        wandb.init(project=args.wandb_project_name, config=vars(args), name=run_name)
    writer = SummaryWriter(f"runs/{run_name}")

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.backends.cudnn.deterministic = args.torch_deterministic
    device = torch.device("cuda" if torch.cuda.is_available() and args.cuda else "cpu")

    envs = gym.vector.SyncVectorEnv([lambda: gym.make(args.env_id) for _ in range(args.num_envs)])
    agent = Agent(envs).to(device)
    optimizer = optim.Adam(agent.parameters(), lr=args.learning_rate, eps=1e-5)

    obs = torch.zeros((args.rollout_steps, args.num_envs) + envs.single_observation_space.shape).to(device)
    actions = torch.zeros((args.rollout_steps, args.num_envs) + envs.single_action_space.shape).to(device)
    logprobs = torch.zeros((args.rollout_steps, args.num_envs)).to(device)
    rewards = torch.zeros((args.rollout_steps, args.num_envs)).to(device)
    dones = torch.zeros((args.rollout_steps, args.num_envs)).to(device)
    values = torch.zeros((args.rollout_steps, args.num_envs)).to(device)

    global_step = 0
    next_obs, _ = envs.reset(seed=args.seed)
    next_obs = torch.Tensor(next_obs).to(device)
    next_done = torch.zeros(args.num_envs).to(device)
    for iteration in range(1, num_iterations + 1):
        if args.anneal_lr:
            optimizer.param_groups[0]["lr"] = (1.0 - (iteration - 1.0) / num_iterations) * args.learning_rate
        for step in range(args.rollout_steps):
            global_step += args.num_envs
            obs[step], dones[step] = next_obs, next_done
            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
            values[step], actions[step], logprobs[step] = value.flatten(), action, logprob
            next_obs, reward, term, trunc, infos = envs.step(action.cpu().numpy())
            rewards[step] = torch.tensor(reward).to(device).view(-1)
            next_obs = torch.Tensor(next_obs).to(device)
            next_done = torch.Tensor(np.logical_or(term, trunc)).to(device)
            if "episode" in infos:
                writer.add_scalar("charts/episodic_return", infos["episode"]["r"].max(), global_step)

        with torch.no_grad():
            next_value = agent.get_value(next_obs).reshape(1, -1)
            advantages = torch.zeros_like(rewards).to(device)
            lastgaelam = 0
            for t in reversed(range(args.rollout_steps)):
                nextnonterminal = 1.0 - (next_done if t == args.rollout_steps - 1 else dones[t + 1])
                nextvalues = next_value if t == args.rollout_steps - 1 else values[t + 1]
                delta = rewards[t] + args.gamma * nextvalues * nextnonterminal - values[t]
                advantages[t] = lastgaelam = delta + args.gamma * args.gae_lambda * nextnonterminal * lastgaelam
            returns = advantages + values

        b_obs = obs.reshape((-1,) + envs.single_observation_space.shape)
        b_logprobs, b_actions = logprobs.reshape(-1), actions.reshape((-1,) + envs.single_action_space.shape)
        b_advantages, b_returns, b_values = advantages.reshape(-1), returns.reshape(-1), values.reshape(-1)
        b_inds = np.arange(batch_size)
        for epoch in range(args.update_epochs):
            np.random.shuffle(b_inds)
            for start in range(0, batch_size, minibatch_size):
                mb = b_inds[start:start + minibatch_size]
                _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb], b_actions.long()[mb])
                logratio = newlogprob - b_logprobs[mb]
                ratio = logratio.exp()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - logratio).mean()
                mb_adv = b_advantages[mb]
                if args.norm_adv:
                    mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                pg_loss = torch.max(-mb_adv * ratio, -mb_adv * torch.clamp(ratio, 1 - args.clip_coef, 1 + args.clip_coef)).mean()
                v_loss = 0.5 * ((newvalue.view(-1) - b_returns[mb]) ** 2).mean()
                loss = pg_loss - args.ent_coef * entropy.mean() + v_loss * args.vf_coef
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                optimizer.step()
            if args.target_kl is not None and approx_kl > args.target_kl:
                break
        writer.add_scalar("losses/value_loss", v_loss.item(), global_step)
        writer.add_scalar("losses/policy_loss", pg_loss.item(), global_step)
        print(f"global_step={global_step} value_loss={v_loss.item():.4f} policy_loss={pg_loss.item():.4f}")

    envs.close()
    writer.close()
