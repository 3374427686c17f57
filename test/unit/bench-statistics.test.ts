import { medianOf } from '../../bench/statistics';

describe('a point measured more than once', () => {
  it('is stood for by the measurement with the median value, with every value and their spread', () => {
    const runs = [
      { p99: 330, requests: 1199 },
      { p99: 240, requests: 1300 },
      { p99: 270, requests: 1250 },
    ];
    expect(medianOf(runs, (run) => run.p99)).toEqual({
      p99: 270,
      requests: 1250,
      repeats: { values: [330, 240, 270], median: 270, spread: (330 - 240) / 270 },
    });
  });

  it('takes the lower middle of an even number, and a single measurement as it is', () => {
    expect(medianOf([{ rate: 4 }, { rate: 1 }, { rate: 3 }, { rate: 2 }], (run) => run.rate).rate).toBe(2);
    expect(medianOf([{ rate: 1.5 }], (run) => run.rate)).toEqual({ rate: 1.5, repeats: { values: [1.5], median: 1.5, spread: 0 } });
  });
});
