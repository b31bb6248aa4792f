# A quick configuration for a laptop GPU.
out_dir = 'out-shakespeare-small'
eval_interval = 200
eval_iters = 50
micro_batch_size = 32
context_len = 128
n_layers = 4
n_heads = 4
d_model = 256
max_iters = 2000
lr_decay_iters = 2000
compile = False
