namespace Orchestrator.Strategies;

/// <summary>
/// The base class of a strategy with options of type <typeparamref name="TOptions"/> (a plain class
/// with settable properties; implement <see cref="IStrategyOptions"/> to have them validated). Every
/// callback is a no-op unless overridden; <see cref="Context"/> is set before <see cref="OnStart()"/>.
/// </summary>
/// <example>
/// <code>
/// public sealed class BuyTheDip : Strategy&lt;BuyTheDipOptions&gt;
/// {
///     public override void OnTick(in Tick tick)
///     {
///         if (tick.HasTrade &amp;&amp; tick.PriceRaw &lt; Options.BelowRaw &amp;&amp; Context.Position(tick.SymbolId) == 0)
///         {
///             Context.Submit(new StrategySignal { SymbolId = tick.SymbolId, Side = Side.Buy, Quantity = Options.Quantity, Reason = "dip" });
///         }
///     }
/// }
/// </code>
/// </example>
public abstract class Strategy<TOptions> : IConfigurableStrategy
    where TOptions : class, new()
{
    private IStrategyContext? _context;

    /// <summary>The strategy with default options (<c>new TOptions()</c>).</summary>
    protected Strategy()
        : this(new TOptions())
    {
    }

    /// <summary>The strategy with <paramref name="options"/>; throws <see cref="ArgumentException"/> listing every problem when they are invalid.</summary>
    protected Strategy(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = ValidateOptions(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        Options = options;
    }

    /// <summary>The options in force.</summary>
    public TOptions Options { get; private set; }

    /// <summary>The host's context; valid from <see cref="OnStart()"/> on.</summary>
    protected IStrategyContext Context => _context ?? throw new InvalidOperationException("The strategy has not been started by a host yet.");

    /// <summary>FastPath unless overridden.</summary>
    public virtual StrategyThreading Threading => StrategyThreading.FastPath;

    /// <summary>None unless overridden.</summary>
    public virtual IReadOnlyList<Timeframe> Timeframes => [];

    /// <inheritdoc/>
    public Type OptionsType => typeof(TOptions);

    /// <inheritdoc/>
    public IReadOnlyList<string> Configure(object options)
    {
        if (options is not TOptions typed)
        {
            return [$"options: expected {typeof(TOptions).FullName}, got {options?.GetType().FullName ?? "null"}"];
        }

        IReadOnlyList<string> errors = ValidateOptions(typed);
        if (errors.Count == 0)
        {
            Options = typed;
        }

        return errors;
    }

    /// <summary>Keeps the context, then calls <see cref="OnStart()"/>.</summary>
    public void OnStart(IStrategyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        OnStart();
    }

    /// <summary>Called once with <see cref="Context"/> set: look up symbol ids, set first timers.</summary>
    protected virtual void OnStart()
    {
    }

    public virtual void OnTick(in Tick tick)
    {
    }

    public virtual void OnBar(in Bar bar)
    {
    }

    public virtual void OnOrderUpdate(in OrderUpdate update)
    {
    }

    public virtual void OnFill(in Fill fill)
    {
    }

    public virtual void OnTimer(long eventTimeNs)
    {
    }

    private static IReadOnlyList<string> ValidateOptions(TOptions options) =>
        options is IStrategyOptions validating ? [.. validating.Validate()] : [];
}
