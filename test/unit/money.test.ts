import { add, applyRate, formatMoney, money, moneyFrom, sum, toDecimal, toMinorUnits } from '../../contracts/money';
import { DealClosedWon } from '../../contracts/order';

describe('money in minor units', () => {
  it('converts decimals exactly, through their digits, in the currency’s minor units', () => {
    expect(toMinorUnits(2563.26, 'EUR')).toBe(256_326);
    expect(toMinorUnits('0.07', 'EUR')).toBe(7);
    expect(toMinorUnits(1.1, 'EUR')).toBe(110);
    // A float that is not the decimal it looks like is refused, never rounded quietly.
    expect(toMinorUnits(0.1 + 0.2, 'EUR')).toBeUndefined();
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1500.00', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.005', 'EUR')).toBeUndefined();
    expect(toMinorUnits('1e3', 'EUR')).toBeUndefined();
  });

  it('prints decimals for the database and for people', () => {
    expect(toDecimal({ amount: 256_326, currency: 'EUR' })).toBe('2563.26');
    expect(toDecimal({ amount: 5, currency: 'EUR' })).toBe('0.05');
    expect(toDecimal({ amount: -5, currency: 'EUR' })).toBe('-0.05');
    expect(toDecimal({ amount: 1500, currency: 'JPY' })).toBe('1500');
    expect(formatMoney(money('1234567.89', 'EUR'))).toBe('€1,234,567.89');
    expect(formatMoney(money('1234567.89', 'EUR'), 'de')).toBe('1.234.567,89\u00a0€');
  });

  it('adds only amounts of one currency, and applies VAT rounded half away from zero', () => {
    expect(sum([money(0.1, 'EUR'), money(0.2, 'EUR')], 'EUR')).toEqual({ amount: 30, currency: 'EUR' });
    expect(() => add(money(1, 'EUR'), money(1, 'CHF'))).toThrow(/EUR and CHF/);
    expect(applyRate(money(500, 'EUR'), '0.1900')).toEqual(money(95, 'EUR'));
    expect(applyRate({ amount: 5, currency: 'EUR' }, '0.1')).toEqual({ amount: 1, currency: 'EUR' }); // 0.5 cent rounds up
    expect(applyRate({ amount: 12_345, currency: 'EUR' }, '0.081')).toEqual({ amount: 1000, currency: 'EUR' }); // 999.945
  });

  it('reads the decimal numbers that runs started before minor units carry', () => {
    expect(moneyFrom(595, 'EUR')).toEqual({ amount: 59_500, currency: 'EUR' });
    expect(moneyFrom({ amount: 59_500, currency: 'EUR' }, 'CHF')).toEqual({ amount: 59_500, currency: 'EUR' });
  });

  it('converts a deal’s prices at the intake, and refuses a currency with three decimals', () => {
    const deal = {
      dealId: 'D-1',
      customer: { id: 'A-1', name: 'N', billingEmail: 'b@n.example', country: 'DE' },
      currency: 'EUR',
      paymentTermsDays: 30,
      salesRepEmail: 's@n.example',
    };
    expect(DealClosedWon.parse({ ...deal, lines: [{ sku: 'S', quantity: 2, unitPrice: '499.9' }] }).lines[0].unitPrice).toEqual({
      amount: 49_990,
      currency: 'EUR',
    });
    const bhd = DealClosedWon.safeParse({ ...deal, currency: 'BHD', lines: [{ sku: 'S', quantity: 1, unitPrice: 1 }] });
    expect(bhd.success).toBe(false);
    expect(bhd.error?.issues[0]).toMatchObject({ path: ['currency'], message: expect.stringContaining('at most 2') });
  });
});
