// A token bucket per connection: `rate` messages a second on average, bursts up to `rate` (one second's worth).
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private readonly rate: number, now: number) {
    this.tokens = rate;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty (the message is over the limit). */
  take(now: number): boolean {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
