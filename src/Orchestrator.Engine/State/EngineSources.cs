using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// The sources the engine itself is (so every order has one): the built-in rules, the protective
/// exits and the operator's commands. Interned first, in this order, into every engine's
/// <see cref="TradingEngine.Sources"/> when it is built, so their ids are the same constants in every
/// engine and every run (journal replay and snapshots rely on it).
/// </summary>
public static class EngineSources
{
    /// <summary>Name of the built-in rules' source.</summary>
    public const string RulesName = "rules";

    /// <summary>Name of the protective exits' source (stop-loss, take-profit, trailing stop).</summary>
    public const string ExitsName = "exits";

    /// <summary>Name of the operator's source (flatten, kill switch).</summary>
    public const string OperatorName = "operator";

    /// <summary>Source id of built-in rule signals.</summary>
    public const int Rules = 1;

    /// <summary>Source id of protective exits.</summary>
    public const int Exits = 2;

    /// <summary>Source id of orders the operator's commands place.</summary>
    public const int Operator = 3;

    /// <summary>Interns the engine's own sources into a new interner (construction only).</summary>
    /// <exception cref="InvalidOperationException">The interner already held other texts (a bug: ids would differ between runs).</exception>
    internal static void InternInto(TextInterner sources)
    {
        if (sources.Intern(RulesName) != Rules || sources.Intern(ExitsName) != Exits || sources.Intern(OperatorName) != Operator)
        {
            throw new InvalidOperationException("The engine's own sources must be the first texts interned.");
        }
    }
}
