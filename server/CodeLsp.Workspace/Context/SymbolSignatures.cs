using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Renders symbols as C# declarations without bodies: member signatures, type headers, first lines of doc summaries.
/// Types are written by name only (as the code at the cursor usually writes them). Results are cached per symbol:
/// symbols of unchanged projects survive edits elsewhere, so most lookups after the first request are hits.
/// </summary>
internal static class SymbolSignatures
{
    private static readonly SymbolDisplayFormat MemberFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters | SymbolDisplayGenericsOptions.IncludeTypeConstraints | SymbolDisplayGenericsOptions.IncludeVariance,
        memberOptions: SymbolDisplayMemberOptions.IncludeAccessibility | SymbolDisplayMemberOptions.IncludeModifiers |
                       SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeParameters |
                       SymbolDisplayMemberOptions.IncludeRef | SymbolDisplayMemberOptions.IncludeConstantValue,
        delegateStyle: SymbolDisplayDelegateStyle.NameAndSignature,
        extensionMethodStyle: SymbolDisplayExtensionMethodStyle.StaticMethod,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName |
                          SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut |
                          SymbolDisplayParameterOptions.IncludeExtensionThis,
        propertyStyle: SymbolDisplayPropertyStyle.ShowReadWriteDescriptor,
        localOptions: SymbolDisplayLocalOptions.IncludeType,
        kindOptions: SymbolDisplayKindOptions.None,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers |
                              SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.AllowDefaultLiteral);

    /// <summary>Types inside signatures: name, type arguments, nullable marks.</summary>
    internal static readonly SymbolDisplayFormat TypeFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers |
                              SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The name a type declaration writes: no containing types, no namespace.</summary>
    private static readonly SymbolDisplayFormat DeclarationNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters | SymbolDisplayGenericsOptions.IncludeVariance,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    private static readonly ConditionalWeakTable<ISymbol, string> Signatures = new();
    private static readonly ConditionalWeakTable<ISymbol, string> Summaries = new();

    /// <summary>A member's declaration without body, ending in ';' (or the header of a nested type).</summary>
    public static string Member(ISymbol symbol) => Signatures.GetValue(symbol, static s => RenderMember(s));

    /// <summary>The first sentence of the symbol's doc summary, or "" when it has none.</summary>
    public static string Summary(ISymbol symbol) => Summaries.GetValue(symbol, static s => RenderSummary(s));

    /// <summary>The member with its summary as a trailing comment.</summary>
    public static string MemberWithSummary(ISymbol symbol)
    {
        var summary = Summary(symbol);
        return summary.Length == 0 ? Member(symbol) : $"{Member(symbol)} // {summary}";
    }

    private static readonly ConditionalWeakTable<ISymbol, string> Headers = new();

    public static string TypeHeader(INamedTypeSymbol type) => Headers.GetValue(type, static t => RenderTypeHeader((INamedTypeSymbol)t));

    private static string RenderTypeHeader(INamedTypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Delegate) return Member(type);
        var text = new StringBuilder();
        text.Append(Accessibility(type.DeclaredAccessibility));
        if (type.IsStatic) text.Append("static ");
        else if (type.IsAbstract && type.TypeKind == TypeKind.Class) text.Append("abstract ");
        else if (type.IsSealed && type.TypeKind == TypeKind.Class && !type.IsRecord) text.Append("sealed ");
        if (type.IsReadOnly && type.TypeKind == TypeKind.Struct) text.Append("readonly ");
        text.Append(type.TypeKind switch
        {
            TypeKind.Class => type.IsRecord ? "record " : "class ",
            TypeKind.Struct => type.IsRecord ? "record struct " : type.IsRefLikeType ? "ref struct " : "struct ",
            TypeKind.Interface => "interface ",
            TypeKind.Enum => "enum ",
            _ => "class ",
        });
        text.Append(type.ToDisplayString(DeclarationNameFormat));
        if (type.IsRecord && PrimaryConstructor(type) is { } primary)
        {
            text.Append('(').Append(string.Join(", ", primary.Parameters.Select(p => $"{p.Type.ToDisplayString(TypeFormat)} {p.Name}"))).Append(')');
        }
        var bases = new List<string>();
        if (type.BaseType is { } baseType && type.TypeKind == TypeKind.Class && baseType.SpecialType != SpecialType.System_Object)
            bases.Add(baseType.ToDisplayString(TypeFormat));
        if (type.TypeKind == TypeKind.Enum && type.EnumUnderlyingType is { SpecialType: not SpecialType.System_Int32 } underlying)
            bases.Add(underlying.ToDisplayString(TypeFormat));
        foreach (var face in type.Interfaces)
        {
            if (type.IsRecord && face.Name == "IEquatable") continue;
            bases.Add(face.ToDisplayString(TypeFormat));
        }
        if (bases.Count > 0) text.Append(" : ").Append(string.Join(", ", bases));
        return text.ToString();
    }

    /// <summary>
    /// Members worth showing in an outline, in declaration order: no compiler-generated members, accessors,
    /// backing fields or record plumbing.
    /// </summary>
    public static IEnumerable<ISymbol> OutlineMembers(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || !member.CanBeReferencedByName && member is not IMethodSymbol { MethodKind: MethodKind.Constructor }) continue;
            switch (member)
            {
                case IMethodSymbol method when method.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet or
                    MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise or MethodKind.StaticConstructor or MethodKind.Destructor:
                    continue;
                case IMethodSymbol { MethodKind: MethodKind.Constructor } ctor when ctor.Parameters.Length == 0 && type.IsRecord:
                    continue;
                case IFieldSymbol field when field.AssociatedSymbol is not null:
                    continue;
            }
            yield return member;
        }
    }

    /// <summary>An enum's members as one line: <c>enum Status { A, B = 4 }</c>.</summary>
    public static string EnumDeclaration(INamedTypeSymbol type) =>
        $"{TypeHeader(type)} {{ {string.Join(", ", type.GetMembers().OfType<IFieldSymbol>().Select(f => f.Name))} }}";

    private static IMethodSymbol? PrimaryConstructor(INamedTypeSymbol type) =>
        type.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length > 0 &&
            c.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax));

    private static string RenderMember(ISymbol symbol)
    {
        switch (symbol)
        {
            case INamedTypeSymbol { TypeKind: not TypeKind.Delegate } type:
                return TypeHeader(type);
            case IFieldSymbol { ContainingType.TypeKind: TypeKind.Enum } enumField:
                return $"{enumField.ContainingType.Name}.{enumField.Name}";
        }
        var text = symbol.ToDisplayString(MemberFormat);
        if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor)
        {
            // The display format writes constructors as Type.Type(...); a declaration writes Type(...).
            var name = ctor.ContainingType.Name + "." + ctor.ContainingType.Name;
            var at = text.IndexOf(name, StringComparison.Ordinal);
            if (at >= 0) text = text.Remove(at, ctor.ContainingType.Name.Length + 1);
        }
        return symbol is IPropertySymbol or INamedTypeSymbol or IEventSymbol ? text : text + ";";
    }

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public ",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal ",
        Microsoft.CodeAnalysis.Accessibility.Private => "private ",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected ",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal ",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected ",
        _ => "",
    };

    private static string RenderSummary(ISymbol symbol)
    {
        string? xml;
        try
        {
            xml = symbol.GetDocumentationCommentXml(expandIncludes: false);
        }
        catch (Exception)
        {
            return "";
        }
        if (string.IsNullOrEmpty(xml)) return "";
        var start = xml.IndexOf("<summary>", StringComparison.Ordinal);
        var end = xml.IndexOf("</summary>", StringComparison.Ordinal);
        if (start < 0 || end < start) return "";
        var inner = xml.AsSpan(start + "<summary>".Length, end - start - "<summary>".Length);
        var text = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '<')
            {
                var close = inner[i..].IndexOf('>');
                if (close < 0) break;
                var tag = inner.Slice(i, close + 1);
                // <see cref="T:Ns.Type"/> and <paramref name="x"/>: keep the name.
                var attr = tag.IndexOf("=\"");
                if (attr >= 0)
                {
                    var value = tag[(attr + 2)..];
                    var quote = value.IndexOf('"');
                    if (quote > 0)
                    {
                        var name = value[..quote];
                        var colon = name.IndexOf(':');
                        if (colon >= 0) name = name[(colon + 1)..];
                        var paren = name.IndexOf('(');
                        if (paren >= 0) name = name[..paren];
                        var dot = name.LastIndexOf('.');
                        if (dot >= 0) name = name[(dot + 1)..];
                        var tick = name.IndexOf('`');
                        text.Append(tick >= 0 ? name[..tick] : name);
                    }
                }
                i += close;
                continue;
            }
            var c = inner[i];
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] != ' ') text.Append(' ');
                continue;
            }
            text.Append(c);
        }
        var summary = System.Net.WebUtility.HtmlDecode(text.ToString().Trim());
        var sentence = summary.IndexOf(". ", StringComparison.Ordinal);
        if (sentence > 0) summary = summary[..(sentence + 1)];
        return summary.Length > 160 ? summary[..157] + "..." : summary;
    }
}
