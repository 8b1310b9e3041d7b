"""What tests share (no test module imports another): configs, the app under AppTest, the loopback
channel and `sessions serve`, chromium, hand-made and real transcripts, reference texts."""
