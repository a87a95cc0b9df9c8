"""The settings every test context uses: argon2 at its minimum cost (the real cost, ~50 ms a hash,
would dominate the tests) and test mode (plain-HTTP cookies: the Flask test client and the browser
tests talk to 127.0.0.1)."""
from engine.settings import PasswordCost, Settings

TEST_SETTINGS = Settings(env="test", password_cost=PasswordCost(time_cost=1, memory_cost=8, parallelism=1))
