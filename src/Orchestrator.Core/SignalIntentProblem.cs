namespace Orchestrator.Core;

/// <summary>What is wrong with a signal's order intent, when something is (<see cref="SignalIntentRules.Check"/>).</summary>
public enum SignalIntentProblem : byte
{
    None = 0,
    LimitPriceRequired,
    StopPriceRequired,
    LimitPriceNotAllowed,
    StopPriceNotAllowed,
    PriceAndLimitPrice,

    // ---- protective exits and actions (issue 19; SignalIntentRules.CheckAll) ----
    TakeProfitInvalid,
    TakeProfitPctInvalid,
    StopLossInvalid,
    StopLossPctInvalid,
    TrailPriceInvalid,
    TrailPercentInvalid,
    TakeProfitBoth,
    StopLossBoth,
    TrailBoth,
    TakeProfitWrongSide,
    StopLossWrongSide,
    TakeProfitNotAboveStopLoss,
    TrailRequired,
    ExitsWithTrailingStop,
    OrderIdRequired,
    OrderIdNotAllowed,
    AmendNothing,
    AmendFieldNotAllowed,
    CancelFieldNotAllowed,
}
