using System.Globalization;

namespace Orchestrator.Core;

/// <summary>A price in fixed point (<see cref="FixedPoint.Scale"/>). Never a double.</summary>
public readonly record struct Price(long Raw) : IComparable<Price>
{
    public static Price FromDecimal(decimal value) => new(FixedPoint.FromDecimal(value));

    public static Price FromRaw(long raw) => new(raw);

    public decimal ToDecimal() => FixedPoint.ToDecimal(Raw);

    public int CompareTo(Price other) => Raw.CompareTo(other.Raw);

    public static bool operator <(Price left, Price right) => left.Raw < right.Raw;

    public static bool operator >(Price left, Price right) => left.Raw > right.Raw;

    public static bool operator <=(Price left, Price right) => left.Raw <= right.Raw;

    public static bool operator >=(Price left, Price right) => left.Raw >= right.Raw;

    public override string ToString() => FixedPoint.Format(Raw);

    public static Price Parse(string text) => FromDecimal(decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture));
}
