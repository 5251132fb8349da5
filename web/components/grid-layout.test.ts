/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { bestColumns } from './grid-layout.js';

const GAP = 8;

/** The tile a layout gives: each cell, cropped to `aspect` (the video is object-fit: cover). */
function layout(count: number, width: number, height: number, aspect: number, columns: number) {
  const rows = Math.ceil(count / columns);
  const cellWidth = (width - GAP * (columns - 1)) / columns;
  const cellHeight = (height - GAP * (rows - 1)) / rows;
  const tileWidth = Math.min(cellWidth, cellHeight * aspect);
  const tileHeight = tileWidth / aspect;
  return { rows, cellWidth, cellHeight, tileWidth, tileHeight, area: tileWidth * tileHeight };
}

/** The chosen layout holds every tile inside the area, and no other column count has a bigger tile. */
function expectBestLayout(count: number, width: number, height: number, aspect: number) {
  const columns = bestColumns(count, width, height, aspect);
  expect(columns, 'columns').to.be.within(1, Math.max(1, count));
  const chosen = layout(count, width, height, aspect, columns);
  expect(chosen.rows * columns, 'cells').to.be.at.least(count);
  expect(chosen.tileWidth, 'tile width')
    .to.be.greaterThan(0)
    .and.at.most(chosen.cellWidth + 1e-9);
  expect(chosen.tileHeight, 'tile height')
    .to.be.greaterThan(0)
    .and.at.most(chosen.cellHeight + 1e-9);
  expect(columns * chosen.cellWidth + GAP * (columns - 1), 'grid width').to.be.closeTo(width, 1e-6);
  expect(chosen.rows * chosen.cellHeight + GAP * (chosen.rows - 1), 'grid height').to.be.closeTo(height, 1e-6);
  for (let other = 1; other <= count; other++) {
    const alternative = layout(count, width, height, aspect, other);
    if (alternative.cellWidth <= 0 || alternative.cellHeight <= 0) continue;
    expect(alternative.area, `${other} columns for ${count} in ${width}×${height}`).to.be.at.most(chosen.area * 1.0001);
  }
  return columns;
}

describe('bestColumns', () => {
  it('uses one column for one participant, whatever the area', () => {
    expect(bestColumns(1, 1280, 720, 16 / 9)).to.equal(1);
    expect(bestColumns(1, 390, 700, 1)).to.equal(1);
    expect(bestColumns(1, 100, 2000, 16 / 9)).to.equal(1);
  });

  it('uses one column before the area has been measured', () => {
    expect(bestColumns(6, 0, 0, 16 / 9)).to.equal(1);
    expect(bestColumns(6, 1280, 0, 16 / 9)).to.equal(1);
    expect(bestColumns(0, 1280, 720, 16 / 9)).to.equal(1);
  });

  describe('on a 1280×720 desktop area at 16:9', () => {
    it('puts 2 side by side', () => {
      expect(expectBestLayout(2, 1280, 720, 16 / 9)).to.equal(2);
    });

    it('puts 4 in a 2×2 grid', () => {
      expect(expectBestLayout(4, 1280, 720, 16 / 9)).to.equal(2);
    });

    it('puts 8 in 3 or 4 columns, whichever gives the biggest tiles', () => {
      expect(expectBestLayout(8, 1280, 720, 16 / 9)).to.be.oneOf([3, 4]);
    });

    it('picks the biggest tiles for every count up to 16', () => {
      for (let count = 1; count <= 16; count++) expectBestLayout(count, 1280, 720, 16 / 9);
    });
  });

  describe('on a 390×700 phone area with square tiles', () => {
    it('stacks 2', () => {
      expect(expectBestLayout(2, 390, 700, 1)).to.equal(1);
    });

    it('puts 4 in a 2×2 grid', () => {
      expect(expectBestLayout(4, 390, 700, 1)).to.equal(2);
    });

    it('puts 8 in 2 columns', () => {
      expect(expectBestLayout(8, 390, 700, 1)).to.equal(2);
    });
  });

  it('picks the biggest tiles in areas of many shapes', () => {
    for (const [width, height] of [
      [320, 568],
      [568, 320],
      [768, 1024],
      [1920, 1080],
      [2560, 600],
      [300, 1600],
    ] as const) {
      for (const aspect of [1, 4 / 3, 16 / 9]) {
        for (let count = 1; count <= 12; count++) expectBestLayout(count, width, height, aspect);
      }
    }
  });
});
