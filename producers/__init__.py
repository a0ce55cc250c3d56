"""The producing communities: who they are, who works for them, how they deliver and are paid."""
