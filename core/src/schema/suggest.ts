// "Did you mean" candidates for a misspelled name: graphql-js's own suggestion list.
export { suggestionList } from 'graphql/jsutils/suggestionList';
