namespace Orchestrator.Core;

/// <summary>An amount of the account currency in fixed point (<see cref="FixedPoint.Scale"/>). Never a double.</summary>
public readonly record struct Money(long Raw) : IComparable<Money>
{
    public static readonly Money Zero = new(0);

    public static Money FromDecimal(decimal value) => new(FixedPoint.FromDecimal(value));

    public decimal ToDecimal() => FixedPoint.ToDecimal(Raw);

    /// <summary>price × quantity, exact; throws <see cref="OverflowException"/> beyond range.</summary>
    public static Money Notional(Price price, long quantity) => new(FixedPoint.Notional(price.Raw, quantity));

    public int CompareTo(Money other) => Raw.CompareTo(other.Raw);

    public static Money operator +(Money left, Money right) => new(checked(left.Raw + right.Raw));

    public static Money operator -(Money left, Money right) => new(checked(left.Raw - right.Raw));

    public static Money operator -(Money value) => new(checked(-value.Raw));

    public static bool operator <(Money left, Money right) => left.Raw < right.Raw;

    public static bool operator >(Money left, Money right) => left.Raw > right.Raw;

    public static bool operator <=(Money left, Money right) => left.Raw <= right.Raw;

    public static bool operator >=(Money left, Money right) => left.Raw >= right.Raw;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Negate() => -this;

    public override string ToString() => FixedPoint.Format(Raw);
}
