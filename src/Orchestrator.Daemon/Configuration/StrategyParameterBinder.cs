using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Binds a strategy's <c>parameters:</c> map onto its options type: each snake_case key to the
/// public settable property of that name (<c>range_minutes</c> → <c>RangeMinutes</c>), the text
/// converted to the property's type — string, bool, whole numbers, decimal, double, durations
/// (<c>TimeSpan</c>: <c>500ms</c>, <c>30s</c>, <c>5m</c>), <see cref="Timeframe"/> (<c>1m</c>, <c>1h</c>),
/// enums (by name, any case, snake_case too), a nullable of one of these, or a list or array of them.
/// A key the type has no property for, or a value that does not convert, is an error naming the
/// key; keys left out keep the options' defaults. Validation (<see cref="IStrategyOptions"/>) is the
/// strategy's, after binding (<see cref="IConfigurableStrategy.Configure"/>).
/// </summary>
internal sealed class StrategyParameterBinder
{
    private readonly Type _optionsType;
    private readonly List<(PropertyInfo Property, Func<object?> Value)> _values = [];

    private StrategyParameterBinder(Type optionsType) => _optionsType = optionsType;

    /// <summary>The parameters' names as the file spells them, for messages.</summary>
    public static IEnumerable<string> ParameterNames(Type optionsType) => Settable(optionsType).Select(p => SnakeCase(p.Name)).Order(StringComparer.Ordinal);

    /// <summary>
    /// Reads every key of <paramref name="parameters"/> (null: none given) for <paramref name="optionsType"/>;
    /// problems go to the section's errors, and the result is null when there was one.
    /// </summary>
    public static StrategyParameterBinder? Bind(Type optionsType, YamlSection? parameters)
    {
        var binder = new StrategyParameterBinder(optionsType);
        if (parameters is null)
        {
            return binder;
        }

        Dictionary<string, PropertyInfo> properties = Settable(optionsType).ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);
        bool ok = true;
        foreach (string key in parameters.Keys.ToList())
        {
            if (!properties.TryGetValue(key, out PropertyInfo? property))
            {
                string known = properties.Count == 0 ? "it has none" : "its parameters: " + string.Join(", ", properties.Keys.Order(StringComparer.Ordinal));
                parameters.Error(key, $"is not a parameter of {optionsType.Name} ({known})");
                ok = false;
                continue;
            }

            ok &= binder.Read(parameters, key, property);
        }

        return ok ? binder : null;
    }

    /// <summary>A new options object with the bound values (lists are new lists each time).</summary>
    public object Create()
    {
        object options = Activator.CreateInstance(_optionsType)!;
        foreach ((PropertyInfo property, Func<object?> value) in _values)
        {
            property.SetValue(options, value());
        }

        return options;
    }

    /// <summary>
    /// A copy with the single-valued parameter <paramref name="key"/> set to <paramref name="text"/>
    /// (converted as in the file); null and why when the options type has no such parameter, it is a
    /// list, or the text does not convert.
    /// </summary>
    public StrategyParameterBinder? With(string key, string text, out string? problem)
    {
        PropertyInfo? property = Settable(_optionsType).FirstOrDefault(p => SnakeCase(p.Name) == key);
        object? value = null;
        problem = property is null ? $"is not a parameter of {_optionsType.Name} (its parameters: {string.Join(", ", ParameterNames(_optionsType))})"
            : ElementType(property.PropertyType) is not null || !Describe(property.PropertyType, out _) ? $"has type {property.PropertyType.Name}, which cannot be swept"
            : !TryConvert(text, property.PropertyType, out value) ? $"must be {Kind(property.PropertyType)}, got '{text}'"
            : null;
        if (problem is not null)
        {
            return null;
        }

        var copy = new StrategyParameterBinder(_optionsType);
        copy._values.AddRange(_values.Where(v => v.Property != property));
        copy._values.Add((property!, () => value));
        return copy;
    }

    private static string Kind(Type type) => Describe(type, out string kind) ? kind : type.Name;

    /// <summary><c>RangeMinutes</c> → <c>range_minutes</c>.</summary>
    public static string SnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private bool Read(YamlSection parameters, string key, PropertyInfo property)
    {
        Type type = property.PropertyType;
        if (ElementType(type) is { } element)
        {
            if (!Describe(element, out string elementKind))
            {
                parameters.Error(key, $"has type {type.Name}, which a parameter cannot have ({Supported})");
                return false;
            }

            if (!parameters.IsScalarList(key))
            {
                parameters.GetStringList(key); // says what is wrong with it: not a list, or an item that is not a plain value
                return false;
            }

            IReadOnlyList<string> items = parameters.GetStringList(key)!;
            var converted = new object?[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                if (!TryConvert(items[i], element, out converted[i]))
                {
                    parameters.Error(key, $"item {i.ToString(CultureInfo.InvariantCulture)} must be {elementKind}, got '{items[i]}'");
                    return false;
                }
            }

            _values.Add((property, () => MakeCollection(type, element, converted)));
            return true;
        }

        if (!Describe(type, out string kind))
        {
            parameters.Error(key, $"has type {type.Name}, which a parameter cannot have ({Supported})");
            return false;
        }

        string? text = parameters.GetString(key);
        if (text is null)
        {
            return false; // not a single value: GetString said so
        }

        if (!TryConvert(text, type, out object? value))
        {
            parameters.Error(key, $"must be {kind}, got '{text}'");
            return false;
        }

        _values.Add((property, () => value));
        return true;
    }

    private const string Supported = "string, bool, whole numbers, decimal, double, durations, timeframes, enums, or lists of these";

    /// <summary>The element type of an array or of a list interface / List&lt;T&gt;; null for anything else (string included).</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        Type definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(IEnumerable<>)
            || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static object MakeCollection(Type type, Type element, object?[] items)
    {
        Array array = Array.CreateInstance(element, items.Length);
        for (int i = 0; i < items.Length; i++)
        {
            array.SetValue(items[i], i);
        }

        if (type.IsArray)
        {
            return array;
        }

        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (object? item in array)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>What a value of <paramref name="type"/> looks like, for messages; false when it is not a parameter type.</summary>
    private static bool Describe(Type type, out string kind)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        kind = t == typeof(string) ? "text"
            : t == typeof(bool) ? "true or false"
            : t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) ? $"a whole number ({t.Name})"
            : t == typeof(decimal) || t == typeof(double) || t == typeof(float) ? "a number"
            : t == typeof(TimeSpan) ? "a duration such as 30s, 500ms, 5m or 1h"
            : t == typeof(Timeframe) ? "a timeframe such as 1m, 5m, 1h or 1d"
            : t.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(t).Select(SnakeCase))
            : string.Empty;
        return kind.Length > 0;
    }

    private static bool TryConvert(string text, Type type, out object? value)
    {
        value = null;
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && text.Length == 0)
        {
            return true; // an empty value is null
        }

        Type t = underlying ?? type;
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string trimmed = text.Trim();
        switch (Type.GetTypeCode(t))
        {
            case TypeCode.String:
                value = text;
                return true;
            case TypeCode.Boolean:
                value = trimmed.ToLowerInvariant() switch { "true" or "yes" or "on" => true, "false" or "no" or "off" => false, _ => null };
                return value is not null;
            case TypeCode.Int32 when !t.IsEnum && int.TryParse(trimmed, NumberStyles.Integer, invariant, out int i):
                value = i;
                return true;
            case TypeCode.Int64 when !t.IsEnum && long.TryParse(trimmed, NumberStyles.Integer, invariant, out long l):
                value = l;
                return true;
            case TypeCode.Int16 when !t.IsEnum && short.TryParse(trimmed, NumberStyles.Integer, invariant, out short s):
                value = s;
                return true;
            case TypeCode.Byte when !t.IsEnum && byte.TryParse(trimmed, NumberStyles.Integer, invariant, out byte b):
                value = b;
                return true;
            case TypeCode.Decimal when decimal.TryParse(trimmed, NumberStyles.Float, invariant, out decimal m):
                value = m;
                return true;
            case TypeCode.Double when double.TryParse(trimmed, NumberStyles.Float, invariant, out double d) && double.IsFinite(d):
                value = d;
                return true;
            case TypeCode.Single when float.TryParse(trimmed, NumberStyles.Float, invariant, out float f) && float.IsFinite(f):
                value = f;
                return true;
        }

        if (t.IsEnum)
        {
            string wanted = trimmed.Replace("_", string.Empty, StringComparison.Ordinal);
            string? match = Enum.GetNames(t).FirstOrDefault(n => string.Equals(n, wanted, StringComparison.OrdinalIgnoreCase));
            value = match is null ? null : Enum.Parse(t, match);
            return value is not null;
        }

        if (t == typeof(TimeSpan) && DurationParser.TryParse(trimmed, out TimeSpan duration, out _, allowZero: true, bareNumberIsSeconds: true))
        {
            value = duration;
            return true;
        }

        if (t == typeof(Timeframe) && Timeframe.TryParse(trimmed, out Timeframe timeframe))
        {
            value = timeframe;
            return true;
        }

        return false;
    }
}
