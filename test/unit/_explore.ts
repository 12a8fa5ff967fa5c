import { chunkStarts } from '../../core/src/schema/chunker';
const show = (t: string) => { const s = chunkStarts(t); console.log(JSON.stringify(s.map((x,i)=>t.slice(x, s[i+1] ?? t.length)))); };
show('type A {\n  f: Int\n"""\ndoc\n"""\ntype B { x: Int }\n');
show('type A {\n  f: Int\n"doc"\ntype B { x: Int }\n');
show('# lead\n\n"d" type A { a: Int }\n"e"\n# c\n\ntype B { b: Int }\n');
show('type A {\ntype: String\n}\ntype B { x: Int }');
show('{ a }\nquery Q { b }\n');
show('');
show('\n\n');
