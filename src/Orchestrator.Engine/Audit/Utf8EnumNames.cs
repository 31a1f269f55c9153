using System.Runtime.CompilerServices;
using System.Text;

namespace Orchestrator.Engine.Audit;

/// <summary>
/// <c>ToString()</c> of every value of a byte-sized enum as UTF-8, computed once, so a slow thread
/// can write enum names into a line without a string per record.
/// </summary>
public static class Utf8EnumNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly byte[][] s_names = Build();

    /// <summary>The UTF-8 bytes of <c>value.ToString()</c> (a number for an undefined value, as ToString gives).</summary>
    public static ReadOnlySpan<byte> Get(TEnum value) => s_names[Unsafe.As<TEnum, byte>(ref value)];

    private static byte[][] Build()
    {
        if (Unsafe.SizeOf<TEnum>() != 1)
        {
            throw new NotSupportedException(typeof(TEnum).Name + " is not byte-sized");
        }

        var names = new byte[256][];
        for (int i = 0; i < names.Length; i++)
        {
            byte raw = (byte)i;
            names[i] = Encoding.UTF8.GetBytes(Unsafe.As<byte, TEnum>(ref raw).ToString());
        }

        return names;
    }
}
