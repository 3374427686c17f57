import { wonDealOf } from '../../activities/crm/hubspot-deal';
import { netUnitPrice } from '../../activities/crm/won-deal';

describe('a CRM line’s net unit price', () => {
  it('takes a percentage, an amount off each unit or an amount off the line, in exact decimals', () => {
    expect(netUnitPrice('62.50', 2, { percent: 20 }).unitPrice).toBe('50');
    expect(netUnitPrice(0.3, 1, { percent: '10' }).unitPrice).toBe('0.27');
    expect(netUnitPrice('55.00', 2, { offEachUnit: '5.00' }).unitPrice).toBe('50');
    expect(netUnitPrice(62.5, 2, { offLine: 25 }).unitPrice).toBe('50');
    expect(netUnitPrice('33.33', 3, { percent: 10 })).toEqual({ unitPrice: '29.997', discount: '10% off 33.33' });
    expect(netUnitPrice(100, 3, { offLine: 100 }).unitPrice).toBe('66.666666666666');
  });

  it('leaves a line without a discount as the CRM has it', () => {
    expect(netUnitPrice('50.00', 2, undefined)).toEqual({ unitPrice: '50.00' });
    expect(netUnitPrice(50, 2, { percent: 0 })).toEqual({ unitPrice: 50 });
    expect(netUnitPrice(null, 2, { percent: 10 })).toEqual({});
  });
});

describe('a HubSpot deal as an order', () => {
  const deal = (lineItem: Record<string, string>) =>
    wonDealOf(
      {
        deal: { id: '42', properties: { deal_currency_code: 'EUR', hs_is_closed_won: 'true' } },
        lineItems: [{ id: '7', properties: { hs_sku: 'DESK-140', quantity: '3', ...lineItem } }],
        company: { id: '9', properties: { name: 'Northwind GmbH', country: 'DE', email: 'billing@northwind.test' } },
        ownerEmail: 'rep@sales.test',
      },
      { company: { country: 'country', billingEmail: 'email' }, paymentTermsDays: 30 },
    );

  it('is ordered at the price less HubSpot’s discount', () => {
    expect(deal({ price: '100.00', hs_discount_percentage: '12.5' }).lines).toEqual([
      { sku: 'DESK-140', quantity: 3, unitPrice: { amount: 8750, currency: 'EUR' } },
    ]);
    expect(deal({ price: '100.00', discount: '0.50' }).lines[0].unitPrice.amount).toBe(9950);
  });

  it('is refused, naming the line and its discount, where the net price is finer than a cent: never rounded', () => {
    expect(() => deal({ price: '33.33', hs_discount_percentage: '10' })).toThrow(
      'HubSpot deal 42: lines.0.unitPrice: must be a decimal with at most 2 decimals for EUR (the price after 10% off 33.33)',
    );
    expect(() => deal({ price: '50.00', discount: '60.00' })).toThrow(
      'lines.0.unitPrice: must be greater than 0 (the price after 60.00 off each unit 50.00)',
    );
  });
});
