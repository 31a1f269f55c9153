namespace Orchestrator.Engine.Options;

/// <summary>Protective exits per position, evaluated on every tick. Fractions of the average cost; 0 = off.</summary>
public sealed record ExitOptions
{
    public decimal StopLossFraction { get; init; } = 0.02m;

    public decimal TakeProfitFraction { get; init; } = 0.04m;

    /// <summary>Distance below the highest price since entry (long) at which the position is closed.</summary>
    public decimal TrailingStopFraction { get; init; } = 0.03m;
}
