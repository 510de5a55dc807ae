import { describe, expect, it } from 'vitest';
import { encodeResourceAttributeValue, mergeResourceAttributes, parseResourceAttributes } from './resource-attributes.js';

describe('OTEL_RESOURCE_ATTRIBUTES', () => {
  it('percent-encodes what the OTel spec (W3C baggage octets) requires, plus % = , and $', () => {
    expect(encodeResourceAttributeValue('plain-value_1.2/x:y')).toBe('plain-value_1.2/x:y');
    expect(encodeResourceAttributeValue('a b,c=d;e"f\\g%h$(X)')).toBe('a%20b%2Cc%3Dd%3Be%22f%5Cg%25h%24(X)');
    expect(encodeResourceAttributeValue('modèle')).toBe('mod%C3%A8le');
  });

  it('the encoded value decodes back (decodeURIComponent, as OTel SDKs do)', () => {
    const value = 'ds 2026/11, "q"=1; 100% $(HOME) ünï';
    expect(decodeURIComponent(encodeResourceAttributeValue(value))).toBe(value);
  });

  it('parses members, trimming around keys and values', () => {
    expect(parseResourceAttributes(' a=1, b = x%20y ,,c')).toEqual([
      { key: 'a', rawValue: '1' },
      { key: 'b', rawValue: 'x%20y' },
      { key: 'c', rawValue: '' },
    ]);
  });

  it('appends missing keys keeping the user text; existing keys win unless overwrite', () => {
    const wanted = [
      { key: 'a', value: 'new' },
      { key: 'b', value: 'two words' },
    ];
    expect(mergeResourceAttributes('a=old,x=%20', wanted, false)).toBe('a=old,x=%20,b=two%20words');
    expect(mergeResourceAttributes('a=old,x=%20', wanted, true)).toBe('a=new,x=%20,b=two%20words');
    expect(mergeResourceAttributes('a=new,b=two%20words', wanted, true)).toBeUndefined();
    expect(mergeResourceAttributes('a=old,b=keep', wanted, false)).toBeUndefined();
    expect(mergeResourceAttributes(undefined, wanted, false)).toBe('a=new,b=two%20words');
    expect(mergeResourceAttributes('x=1,', wanted, false)).toBe('x=1,a=new,b=two%20words');
  });

  it('raw members ($(VAR) references for Kubernetes) are written as they are', () => {
    expect(mergeResourceAttributes(undefined, [{ key: 'k', value: '$(V)', raw: true }], false)).toBe('k=$(V)');
  });
});
